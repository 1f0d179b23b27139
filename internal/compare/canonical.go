package compare

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Patterns of Canonical. Compiled once; never modified.
var (
	// [text](target) as some extractors render links: keep the text.
	reMarkdownLink = regexp.MustCompile(`\[([^\]]*)\]\([^)\s]*\)`)
	// <https://…> or <www.…> link targets.
	reAngleURL = regexp.MustCompile(`<(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^>\s]*>`)
	// Absolute URLs, bare www. hosts and mailto: targets.
	reURL = regexp.MustCompile(`(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\bmailto:)[^\s<>"'()\[\]]*`)
	// Relative redirect prefixes such as /redirect/website.v1.<id>/.
	reRedirect = regexp.MustCompile(`/redirect/[^/\s]+/`)
	// A query string left outside a URL, as in a relative link
	// ("/policies?lang=en&ref=x").
	reQuery = regexp.MustCompile(`\?[^\s?#<>"'()\[\]]*=[^\s?#<>"'()\[\]]*`)
	// The usual tracking parameters, in a query string or on their own:
	// campaign tags (utm_*), ad click ids and mailing-list ids.
	reTracking = regexp.MustCompile(`(?i)[?&]?\b(?:` + trackingNames + `)=[^&\s]*`)
	// A parameter value that is an opaque id: a UUID, 16 or more hex
	// digits, or 16 or more base64url characters mixing letters and digits.
	reUUID   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	reHexID  = regexp.MustCompile(`^[0-9a-fA-F]{16,}$`)
	reBase64 = regexp.MustCompile(`^[A-Za-z0-9_-]{16,}={0,2}$`)
	reLetter = regexp.MustCompile(`[A-Za-z]`)
	reDigit  = regexp.MustCompile(`[0-9]`)
	// Brackets emptied by the removals above.
	reEmptyBrackets = regexp.MustCompile(`\(\s*\)|\[\s*\]|<\s*>`)
	// A space before punctuation, left where a link target was removed.
	reSpacePunct = regexp.MustCompile(`\s+([.,;:!?)\]])`)
	reSpaceOpen  = regexp.MustCompile(`([(\[])\s+`)

	months   = `(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?`
	reMDY    = regexp.MustCompile(`(?i)\b` + months + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	reDMY    = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+` + months + `,?\s+(\d{4})\b`)
	quoteMap = strings.NewReplacer(
		"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'", "`", "'",
		"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`, "\u2033", `"`, "\u00ab", `"`, "\u00bb", `"`,
		"\u2010", "-", "\u2011", "-", "\u2013", "-", "\u2212", "-", "\u2026", "...",
		"\u00a0", " ", "\u202f", " ", "\u2007", " ", "\u2009", " ", "\u200a", " ", "\u2002", " ", "\u2003", " ",
		"\u200b", "", "\u200c", "", "\u200d", "", "\u2060", "", "\ufeff", "", "\u00ad", "",
	)
)

// trackingNames are the names of the usual tracking parameters.
const trackingNames = `utm_[a-z0-9_]+|gclid|gclsrc|gbraid|wbraid|dclid|fbclid|msclkid|yclid|twclid|ttclid|li_fat_id|igshid|mc_eid|mc_cid|_ga|_gl|_hsenc|_hsmi|mkt_tok|s_cid`

// dropIDParams removes from a query string the parameters whose value is
// an opaque id (per-visitor or per-request ids that change between
// fetches) and the tracking parameters; a query string left empty goes
// with its "?". Sentence punctuation after the query is kept.
func dropIDParams(q string) string {
	body := strings.TrimRight(q[1:], ".,;:!")
	tail := q[1+len(body):]
	var kept []string
	for _, p := range strings.Split(body, "&") {
		_, value, _ := strings.Cut(p, "=")
		if p == "" || opaqueID(value) || reTracking.MatchString(p) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == 0 {
		return tail
	}
	return "?" + strings.Join(kept, "&") + tail
}

// opaqueID reports whether a parameter value is an opaque id.
func opaqueID(v string) bool {
	switch {
	case reUUID.MatchString(v), reHexID.MatchString(v):
		return true
	case reBase64.MatchString(v):
		return reLetter.MatchString(v) && reDigit.MatchString(v)
	}
	return false
}

// Canonical returns the form of a clause text two versions are compared
// in, so that what changes between fetches without changing the terms
// compares equal: link targets are removed (absolute URLs, bare www. hosts,
// mailto:, "<…>" and "[text](…)" targets, relative /redirect/<id>/
// prefixes, and, in a query string left outside a URL, parameters whose
// value is an opaque id such as a UUID, and tracking parameters such as
// utm_*=…, gclid=… or mc_eid=…);
// dates written "July 8, 2026", "Jul. 8th 2026" or "8 July 2026" become
// "2026-07-08"; typographic quotes, apostrophes, hyphens and ellipses
// become ASCII; invisible and non-breaking spaces are dropped or made
// plain, runs of white space collapse to one space, and spaces left before
// punctuation by a removed link are dropped. Wording, case and numbers are
// kept, so a real change of terms still compares different.
func Canonical(text string) string {
	s := quoteMap.Replace(text)
	s = reMarkdownLink.ReplaceAllString(s, "$1")
	s = reAngleURL.ReplaceAllString(s, "")
	s = reURL.ReplaceAllStringFunc(s, func(u string) string {
		// Keep sentence punctuation that ended up at the end of the match.
		return u[len(strings.TrimRight(u, ".,;:!?")):]
	})
	s = reRedirect.ReplaceAllString(s, "/")
	s = reQuery.ReplaceAllStringFunc(s, dropIDParams)
	s = reTracking.ReplaceAllString(s, "")
	s = reEmptyBrackets.ReplaceAllString(s, "")
	s = reMDY.ReplaceAllStringFunc(s, func(m string) string {
		g := reMDY.FindStringSubmatch(m)
		return isoDate(m, g[3], g[1], g[2])
	})
	s = reDMY.ReplaceAllStringFunc(s, func(m string) string {
		g := reDMY.FindStringSubmatch(m)
		return isoDate(m, g[3], g[2], g[1])
	})
	s = strings.Join(strings.Fields(s), " ")
	s = reSpacePunct.ReplaceAllString(s, "$1")
	s = reSpaceOpen.ReplaceAllString(s, "$1")
	return s
}

// isoDate formats year-month-day, or returns orig when the day is not a
// day of a month.
func isoDate(orig, year, month, day string) string {
	d, err := strconv.Atoi(day)
	if err != nil || d < 1 || d > 31 {
		return orig
	}
	m := monthNumber(month)
	if m == 0 {
		return orig
	}
	return fmt.Sprintf("%s-%02d-%02d", year, m, d)
}

func monthNumber(name string) int {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if len(name) < 3 {
		return 0
	}
	for i, m := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if name[:3] == m {
			return i + 1
		}
	}
	return 0
}
