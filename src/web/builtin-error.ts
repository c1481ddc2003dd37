/**
 * The error page when a function folder has no `templates/error.njk`:
 * plain, self-contained HTML (no stylesheet to fetch), autoescaped like
 * every template. It shows what the problem document says, which outside
 * dev mode holds nothing internal.
 */
export const BUILTIN_ERROR_TEMPLATE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ problem.status }} {{ problem.title }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } .status { color: #888; } code { font-size: .85em; color: #666; }
</style>
</head>
<body>
<h1><span class="status">{{ problem.status }}</span> {{ problem.title }}</h1>
{% if problem.detail %}<p>{{ problem.detail }}</p>{% endif %}
{% if problem.errors %}<ul>{% for e in problem.errors %}<li>{% if e.path %}<code>{{ e.path }}</code> {% endif %}{{ e.message }}</li>{% endfor %}</ul>{% endif %}
<p><code>Request {{ problem.requestId }}</code></p>
</body>
</html>
`
