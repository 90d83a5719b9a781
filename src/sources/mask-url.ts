/** Query parameters whose values are credentials: never in errors or logs, never handed to another origin. */
const SECRET_NAMES = 'apikey|api_key|token|crumb';
const SECRET_PARAMS = new RegExp(`([?&](?:${SECRET_NAMES})=)[^&#]*`, 'gi');
const SECRET_PARAM_NAME = new RegExp(`^(?:${SECRET_NAMES})$`, 'i');

/** The URL with credentials (apikey, token, crumb) replaced by ***, for evidence and logs. */
export function maskUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1***');
}

/** Whether a query parameter of this name carries a credential. */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM_NAME.test(name);
}
