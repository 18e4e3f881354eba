"""The Discord adapter: `/study` slash commands, persistent buttons and embeds over the core."""
