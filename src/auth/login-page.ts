/** What the built-in login page shows. */
export interface LoginPageOptions {
  /** Where to go after logging in (already checked by `safeNext`). */
  readonly next: string
  /** The `error` query parameter of a failed attempt. */
  readonly error?: string | undefined
  /** Where the form posts: `/auth/login` behind the app's prefix (`/billing/auth/login` under a mount). */
  readonly action?: string
}

// A Map, not an object: `?error=constructor` must not find Object's own members.
const MESSAGES = new Map([
  ['credentials', 'Wrong username or password.'],
  ['throttled', 'Too many wrong passwords: wait a moment and try again.'],
  ['invalid', 'Enter a username and a password.'],
])

/**
 * The built-in login form served at `login_path` when the project has no
 * page there: posts `username`, `password` and `next` to `/auth/login`.
 * Every value written into it is HTML-escaped.
 *
 * @example
 * ```ts
 * const html = loginPage({ next: '/reports', error: 'credentials' })
 * ```
 */
export function loginPage(options: LoginPageOptions): string {
  const message = options.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(MESSAGES.get(options.error) ?? 'Login failed.')}</p>`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; display: grid; place-items: center; min-height: 100vh; margin: 0; background: #f5f5f4; }
form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px #0002; display: grid; gap: .75rem; min-width: 18rem; }
input, button { font: inherit; padding: .5rem; } .error { color: #b91c1c; margin: 0; }
</style>
</head>
<body>
<form method="post" action="${escapeHtml(options.action ?? '/auth/login')}">
<h1>Log in</h1>
${message}
<label>Username <input name="username" autocomplete="username" required autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<input type="hidden" name="next" value="${escapeHtml(options.next)}">
<button type="submit">Log in</button>
</form>
</body>
</html>
`
}

/**
 * Escapes text for HTML content and quoted attribute values.
 *
 * @example
 * ```ts
 * escapeHtml('<script>') // '&lt;script&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)
}
