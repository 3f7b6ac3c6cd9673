// Package web holds the browser workspace's assets (HTML, CSS and plain JavaScript, no build step),
// embedded in the binary so that "go install" alone gives a working "wirelens ui" with no network access.
package web

import "embed"

// Assets holds the files under static/, served at the root of the workspace's URL.
//
//go:embed static
var Assets embed.FS
