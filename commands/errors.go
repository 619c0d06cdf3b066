package commands

import (
	"errors"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// userError is a refusal or a usage problem: its text goes back to the person as is, and
// the transaction is rolled back.
type userError struct {
	msg       string
	forbidden bool // refused by the policy (policy_check.go)
}

func (e *userError) Error() string { return e.msg }

func refuse(format string, args ...any) error { return &userError{msg: fmt.Sprintf(format, args...)} }

func isUserError(err error) bool {
	var u *userError
	return errors.As(err, &u)
}

func isNotFound(err error) bool { return errors.Is(err, bot.ErrNotFound) }
