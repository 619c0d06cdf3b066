package timers_test

import (
	"os"
	"testing"

	"github.com/warroom/warroom/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
