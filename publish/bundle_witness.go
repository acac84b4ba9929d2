package publish

import (
	"errors"
	"fmt"
	"path"
)

// ReadCosigned returns the cosigned checkpoints the bundle carries
// (ledger/cosigned/…, copied from the ledger folder by [WriteBundle]),
// in the index's order, so that [VerifyBundle] checks timing from
// witnesses as Verify does for a [DirLedger]. Like
// [DirLedger.ReadCosigned] it checks the names and that each file is a
// signed checkpoint of the size its name says; Verify checks the rest.
func (l *bundleLedger) ReadCosigned() ([]CosignedFile, error) {
	names, data, err := l.ReadExtra(cosignedDir)
	if err != nil {
		return nil, err
	}
	out := make([]CosignedFile, 0, len(names))
	for i, name := range names {
		size, ok := parseCosignedFileName(path.Base(name))
		if !ok || path.Dir(name) != bundleLedgerDir+"/"+cosignedDir {
			return nil, &BundleError{File: name, Err: fmt.Errorf("%w: unexpected file in the cosigned folder", ErrMalformed)}
		}
		if len(data[i]) > MaxCosignedSize {
			return nil, &BundleError{File: name, Err: fmt.Errorf("%w: a cosigned checkpoint longer than %d bytes", ErrMalformed, MaxCosignedSize)}
		}
		c, err := ParseSignedCheckpoint(data[i])
		if err != nil {
			return nil, &BundleError{File: name, Err: err}
		}
		if c.Size != size {
			return nil, &BundleError{File: name, Err: errors.New("the checkpoint's size is not the one its name says")}
		}
		out = append(out, CosignedFile{Name: name, Msg: data[i]})
	}
	return out, nil
}
