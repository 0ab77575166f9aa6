package content

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that no input makes Parse panic, and that what it
// accepts satisfies the invariants of an Article.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{filepath.Join("testdata", "*.txt"), filepath.Join(seedsDir, "*")} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("<!--1-->\n[a](http://h)\n---\n<p>x<br><br>y</p>"))
	f.Add([]byte("<!--1-->\n[a](http://[::1]:8080/a)\n---\n<p>x</p>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse(bytes.NewReader(data))
		if err != nil {
			if a != nil {
				t.Errorf("got an article and error %v, want only the error", err)
			}
			return
		}
		checkInvariants(t, a)
	})
}
