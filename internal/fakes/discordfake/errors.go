package discordfake

import (
	"encoding/json"
	"net/http"
	"strings"
)

// apiError is Discord's JSON error body. discordgo decodes {code, message} into
// RESTError.Message (*APIErrorMessage); "errors" carries the per-field detail of 50035.
type apiError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Errors  any    `json:"errors,omitempty"`
}

// Discord JSON error codes the fake produces. Exported so tests can assert on
// RESTError.Message.Code without magic numbers.
const (
	CodeGeneral             = 0
	CodeUnknownChannel      = 10003
	CodeUnknownGuild        = 10004
	CodeUnknownMember       = 10007
	CodeUnknownMessage      = 10008
	CodeUnknownUser         = 10013
	CodeUnknownWebhook      = 10015
	CodeUnknownInteraction  = 10062
	CodeMaxPins             = 30003
	CodeMaxGuildChannels    = 30013
	CodeRequestTooLarge     = 40005
	CodeAlreadyAcknowledged = 40060
	CodeMissingAccess       = 50001
	CodeCannotEditOthers    = 50005
	CodeEmptyMessage        = 50006
	CodeCannotDMUser        = 50007
	CodeMissingPermissions  = 50013
	CodeInvalidFormBody     = 50035 // also used for a callback type that does not fit the interaction
)

func errResp(status, code int, msg string) response {
	return response{status: status, body: apiError{Code: code, Message: msg}}
}

// formErr builds the 50035 "Invalid Form Body" shape Discord uses for validation failures,
// e.g. {"code":50035,"errors":{"parent_id":{"_errors":[{"code":"CHANNEL_PARENT_MAX_CHANNELS",
// "message":"Maximum number of channels in category reached (50)"}]}},"message":"Invalid Form Body"}.
// A dotted field ("embeds.0.description") is nested the way Discord nests it.
func formErr(field, code, msg string) response {
	var errs any = map[string]any{"_errors": []map[string]string{{"code": code, "message": msg}}}
	parts := strings.Split(field, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		errs = map[string]any{parts[i]: errs}
	}
	return response{status: http.StatusBadRequest, body: apiError{
		Code:    CodeInvalidFormBody,
		Message: "Invalid Form Body",
		Errors:  errs,
	}}
}

func notFound(code int, what string) response {
	return errResp(http.StatusNotFound, code, "Unknown "+what)
}

func missingAccess() response {
	return errResp(http.StatusForbidden, CodeMissingAccess, "Missing Access")
}

func missingPermissions() response {
	return errResp(http.StatusForbidden, CodeMissingPermissions, "Missing Permissions")
}

func badJSON() response {
	return errResp(http.StatusBadRequest, CodeInvalidFormBody, "Invalid Form Body")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
