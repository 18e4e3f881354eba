"""Tests of the Discord adapter that need no platform: rendering."""
