//go:build attrpart2stub

package attr

import "github.com/clausewatch/clausewatch/internal/terms"

func stub(clauses []terms.Clause) Reading { return Reading{Value: terms.UnknownValue("stub")} }

var (
	readOwnership = stub
	readBAA       = stub
	readZDR       = stub
	readProcessor = stub
	readSecurity  = stub
	readRights    = stub
)
