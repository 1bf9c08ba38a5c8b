//go:build tools

// Package metaproof only pins the CeresMeta server binary (cmd/meta) that .ci/meta-build.sh builds;
// nothing here is compiled into it.
package metaproof

import _ "github.com/CeresDB/ceresmeta/cmd/meta"
