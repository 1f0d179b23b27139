package cli

import (
	"context"
	"flag"
	"fmt"
	"runtime/debug"
)

func versionCmd() *command {
	return &command{
		name:    "version",
		summary: "print the version",
		usage:   "version",
		noDB:    true,
		help: `Prints the version of this clausewatch binary (also: clausewatch --version).

A release build (make release) stamps the version from git describe; a binary
built by go install carries its module version; a plain go build or go run
prints the commit it was built from, with -dirty when the tree had changes.`,
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			fmt.Fprintf(a.env.Stdout, "clausewatch %s\n", version())
			return nil
		},
	}
}

// version is the stamped Version, or what the Go toolchain recorded in the
// binary when nothing was stamped.
func version() string {
	if Version != "dev" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return Version
	}
	return versionFromBuild(info)
}

// versionFromBuild reads a module version (go install) or the VCS revision
// (go build in a checkout) out of build information.
func versionFromBuild(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return "dev-" + rev + dirty
}
