package config

import (
	"github.com/warroom/warroom/bot"
	"strings"
)

// DefaultTLP is the label an incident gets when the configuration names none: AMBER, as
// incident tools label cases by default — shared on a need-to-know basis inside the
// organisation, never in broad channels.
const DefaultTLP = bot.TLPAmber

// Organisation is who notifies the regulators (the drafts of `warroom report --format
// gdpr|nis2|sec` name it):
//
//	organisation:
//	  name: Acme GmbH
//	  dpo: "Dana Roe, dpo@acme.example, +49 30 1234567"      # GDPR Art. 33(3)(b)
//	  address: "Hauptstr. 1, 10115 Berlin, Germany"
//	  csirt_contact: "csirt@acme.example, +49 30 7654321"   # NIS2 contact point
type Organisation struct {
	Name         string `yaml:"name"`
	DPO          string `yaml:"dpo"`
	Address      string `yaml:"address"`
	CSIRTContact string `yaml:"csirt_contact"`
}

// maxOrganisationField bounds each organisation value: they are one-line contact details.
const maxOrganisationField = 300

// IncidentTLP is the configured default label.
func (c *Config) IncidentTLP() bot.TLP {
	t, ok := bot.ParseTLP(c.TLP)
	if !ok {
		return DefaultTLP
	}
	return t
}

func (c *Config) validateReport(bad func(path, key, format string, args ...any)) {
	if c.TLP != "" {
		if _, ok := bot.ParseTLP(c.TLP); !ok {
			bad("$.tlp", "tlp", "%q is not a TLP 2.0 level (use %s)", c.TLP, strings.Join(bot.TLPNames, ", "))
		}
	}
	o := c.Organisation
	for _, f := range []struct{ key, value string }{
		{"name", o.Name}, {"dpo", o.DPO}, {"address", o.Address}, {"csirt_contact", o.CSIRTContact},
	} {
		switch {
		case strings.ContainsAny(f.value, "\n\r"):
			bad("$.organisation."+f.key, "organisation."+f.key, "must be one line (it is printed in the notification drafts)")
		case len(f.value) > maxOrganisationField:
			bad("$.organisation."+f.key, "organisation."+f.key, "is %d characters; at most %d", len(f.value), maxOrganisationField)
		}
	}
}
