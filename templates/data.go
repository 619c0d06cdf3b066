package templates

// PhaseData is what phases/<phase>.md.tmpl and duties/<phase>/<role>.md.tmpl receive.
type PhaseData struct {
	ID           string            // "INC-3"
	Title        string            // the incident's title
	Severity     int               // 1..4
	SeverityName string            // "critical"
	Type         string            // "phishing", or "" when not yet classified
	Phase        string            // the phase being entered
	Drill        bool              // a practice incident
	Roles        map[string]string // role -> holder's display name
	Role         string            // for duties: the role the text is addressed to
	Person       string            // for duties: the holder's display name
}

// RoleData is what roles/<role>.md.tmpl receives when someone is given a role.
type RoleData struct {
	ID       string
	Title    string
	Severity int
	Phase    string
	Role     string
	Person   string
	Channel  string // the incident channel's name
	Drill    bool
}
