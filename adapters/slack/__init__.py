"""The Slack adapter: `/study`, button quizzes, App Home, Socket Mode and HTTP mode (slack-bolt)."""
