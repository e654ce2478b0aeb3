"""What a picture shows, as data: themes (colours, fonts) and scenes (what each
frame highlights). No drawing here."""
