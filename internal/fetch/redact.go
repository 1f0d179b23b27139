package fetch

import "regexp"

// userinfo matches the scheme and user information of every URL in a
// text: "https://user:pass@" of "https://user:pass@host/path". The user
// information ends at the last '@' before the path, query or fragment, as
// in url.Parse.
var userinfo = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://)[^/?#\s"'<>]*@`)

// Redact returns s with the user information (user name and password) of
// every URL in it replaced by "***": "https://***@host/path". s may be a
// URL or any text quoting URLs (an error message, a report line). A URL
// in a declaration may carry credentials for the request; wherever such a
// URL is shown (errors, snapshots, events, reports, webhooks) it goes
// through Redact.
func Redact(s string) string {
	return userinfo.ReplaceAllString(s, "${1}***@")
}
