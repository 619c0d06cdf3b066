package commands

import (
	"os"
	"testing"

	"github.com/warroom/warroom/internal/pgtest"
)

// TestMain stops the throwaway PostgreSQL cluster the tests on PostgreSQL (onPostgres)
// started, once every test has run.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
