/**
 * Links in mails and at start-up. Tokens travel in the fragment (`#token=`), which browsers never send to a server,
 * so they stay out of access logs, proxies and Referer headers; the page hands the token to the API.
 */
export class Links {
  readonly #base: string;

  constructor(publicUrl: string) {
    this.#base = publicUrl.replace(/\/+$/, '');
  }

  signIn = () => `${this.#base}/sign-in`;
  setup = (token: string) => `${this.#base}/setup#token=${token}`;
  verifyEmail = (token: string) => `${this.#base}/verify-email#token=${token}`;
  resetPassword = (token: string) => `${this.#base}/reset-password#token=${token}`;
  acceptInvitation = (token: string) => `${this.#base}/accept-invitation#token=${token}`;
}
