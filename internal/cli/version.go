package cli

import (
	"context"
	"flag"
	"fmt"
)

func versionCmd() *command {
	return &command{
		name:    "version",
		summary: "print the version",
		usage:   "version",
		noDB:    true,
		help:    "Prints the version of this clausewatch binary.",
		run: func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
			fmt.Fprintf(a.env.Stdout, "clausewatch %s\n", Version)
			return nil
		},
	}
}
