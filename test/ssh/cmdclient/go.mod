module ceresdb-cluster/test/ssh/cmdclient

go 1.24.0

// The x/crypto version pulumi-command v1.2.1 builds with (provider/go.mod at tag v1.2.1).
require golang.org/x/crypto v0.48.0

require golang.org/x/sys v0.41.0 // indirect
