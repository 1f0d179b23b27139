//go:build !wordreverify

package wordre

// verify is set by the build tag wordreverify: then every text the test of
// words turns away is searched all the same, and a match panics (see May).
const verify = false
