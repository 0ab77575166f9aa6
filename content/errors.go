package content

import "errors"

// MaxSize is the largest seed document accepted, in bytes. A larger file is
// refused with ErrTooLarge without being read into memory.
const MaxSize = 2 << 20

// Errors that Parse and ParseFile wrap to say why a document was refused;
// check them with errors.Is.
var (
	// ErrEmpty: the document holds nothing but white space.
	ErrEmpty = errors.New("empty document")
	// ErrBinary: the document holds NUL bytes or other binary data.
	ErrBinary = errors.New("binary data, not a text document")
	// ErrNotUTF8: the document's header lines or article text are not
	// UTF-8 (GBK, Big5, …).
	ErrNotUTF8 = errors.New("not UTF-8 text")
	// ErrTooLarge: the document is larger than MaxSize.
	ErrTooLarge = errors.New("document too large")
	// ErrNoTime: line 1 is not an HTML comment holding a Unix time in
	// milliseconds.
	ErrNoTime = errors.New("no feed time comment on line 1")
	// ErrNoHeadline: line 2 is not a markdown link to an http(s) URL.
	ErrNoHeadline = errors.New("no headline link on line 2")
	// ErrEmptyHeadline: the link on line 2 has no text.
	ErrEmptyHeadline = errors.New("empty headline on line 2")
	// ErrNoRule: line 3 is not a line of dashes.
	ErrNoRule = errors.New("no dashes line on line 3")
)

// A FileError says which file could not be read or parsed, and why. Err wraps
// one of the package's sentinel errors or an error from the os package. Err
// may be an error Parse returned: the file's error then names the package
// once, "content: PATH: REASON".
type FileError struct {
	Path string
	Err  error
}

// Error returns "content: PATH: REASON".
func (e *FileError) Error() string {
	reason := e.Err
	if pe, ok := reason.(*parseError); ok {
		reason = pe.err
	}
	return "content: " + e.Path + ": " + reason.Error()
}

// Unwrap returns the reason, for errors.Is and errors.As.
func (e *FileError) Unwrap() error { return e.Err }

// A parseError is an error of Parse: "content: REASON". A FileError holding
// one says the reason without repeating the prefix.
type parseError struct{ err error }

func (e *parseError) Error() string { return "content: " + e.err.Error() }

func (e *parseError) Unwrap() error { return e.err }
