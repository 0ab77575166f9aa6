package ingest

import "errors"

// ErrOutside is why a link in the seeds folder is not followed: it leads
// out of the folder. Scan reports such a link as a *content.FileError
// wrapping ErrOutside.
var ErrOutside = errors.New("link leads out of the seeds folder")
