"""Tests of the Slack adapter that need no platform: rendering and mrkdwn."""
