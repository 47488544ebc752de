"""Email delivery adapters: SMTP (`smtp.SmtpMailer`)."""
