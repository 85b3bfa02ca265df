"""First-time set-up (``introgate init``): look at the mailbox, then write config and unit.

``survey`` reads what the server has (folders, recent notifications, the mail server's
authserv-id); ``config_file`` turns the answers into a commented config and a systemd
unit. The questions themselves live in the CLI.
"""
