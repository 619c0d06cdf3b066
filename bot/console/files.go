package console

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/warroom/warroom/bot"
)

// saveFile writes an "uploaded" file into dir as name, or name-2, name-3 … when taken (a
// report written again is kept beside the first, never over it). The directory is created
// 0700 and the file 0600: reports and exports hold incident details. O_EXCL means an
// existing file or a planted symlink is never written through.
func saveFile(dir, name string, data []byte) (string, error) {
	base := filepath.Base(filepath.Clean("/" + name))
	if base == "/" || base == "." || base == ".." || strings.IndexFunc(base, isControl) >= 0 {
		return "", bot.Permanent(fmt.Errorf("file name %q cannot be saved", name))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("files directory: %w", err)
	}
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	for i := 1; i <= 1000; i++ {
		candidate := base
		if i > 1 {
			candidate = stem + "-" + strconv.Itoa(i) + ext
		}
		path := filepath.Join(dir, candidate)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("saving %s: %w", candidate, err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			_ = os.Remove(path)
			return "", fmt.Errorf("saving %s: %w", candidate, werr)
		}
		return path, nil
	}
	return "", bot.Permanent(fmt.Errorf("%s: 1000 files named %s already", dir, base))
}
