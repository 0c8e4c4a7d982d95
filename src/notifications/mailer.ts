import nodemailer from "nodemailer";

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

export interface Mailer {
  /** false without SMTP_URL: nothing is emailed and in-app notifications work as ever */
  readonly enabled: boolean;
  /** resolves once the SMTP server accepted the message */
  send(email: OutgoingEmail): Promise<void>;
  close(): void;
}

/** Email over SMTP (SMTP_URL), or a disabled mailer that refuses to send. */
export function createMailer(options: { smtpUrl?: string; from: string }): Mailer {
  if (!options.smtpUrl) {
    return {
      enabled: false,
      send: () => Promise.reject(new Error("email is disabled: SMTP_URL is not set")),
      close: () => undefined,
    };
  }
  const transport = nodemailer.createTransport(options.smtpUrl);
  return {
    enabled: true,
    async send(email) {
      await transport.sendMail({ from: options.from, to: email.to, subject: email.subject, text: email.text, html: email.html, headers: email.headers });
    },
    close: () => transport.close(),
  };
}
