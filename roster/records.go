package roster

import (
	"strconv"
	"strings"
)

// AttrName is the display name of a premises or an inspector. The
// protocol carries and hashes it but does not read it.
const AttrName = "name"

// The records below build rows from Go values. Their Row methods do not
// validate: pass the rows to [NewTable], which does, and which reports an
// Extra entry that repeats a field of the record (or "id") rather than
// choosing one of them.

// PremisesRecord is a premises row as a Go value. Empty fields are absent.
type PremisesRecord struct {
	ID       string
	Name     string
	Region   string
	Category string
	Risk     string
	Status   string
	Unit     string
	Extra    map[string]string // further attributes, carried and hashed
}

// Row returns the record as a row.
func (p PremisesRecord) Row() Row {
	return buildRow(p.ID, p.Extra,
		AttrName, p.Name, AttrRegion, p.Region, AttrCategory, p.Category,
		AttrRisk, p.Risk, AttrStatus, p.Status, AttrUnit, p.Unit)
}

// InspectorRecord is an inspector row as a Go value. Empty fields and nil
// pointers are absent.
type InspectorRecord struct {
	ID                string
	Name              string
	Unit              string
	Region            string
	HomeRegion        string
	Specialties       []string // any order; the table keeps them sorted
	CredentialExpires *Date
	Capacity          *int // nil: the plan's default; 0: none
	Status            string
	Extra             map[string]string
}

// Row returns the record as a row.
func (i InspectorRecord) Row() Row {
	var exp, capacity string
	if i.CredentialExpires != nil {
		exp = i.CredentialExpires.String()
	}
	if i.Capacity != nil {
		capacity = strconv.Itoa(*i.Capacity)
	}
	return buildRow(i.ID, i.Extra,
		AttrName, i.Name, AttrUnit, i.Unit, AttrRegion, i.Region, AttrHomeRegion, i.HomeRegion,
		AttrSpecialties, strings.Join(i.Specialties, ";"), AttrCredentialExpires, exp,
		AttrCapacity, capacity, AttrStatus, i.Status)
}

// ConflictRecord is a declared conflict as a Go value. An empty ID is
// derived as Inspector + " " + Premises.
type ConflictRecord struct {
	ID        string
	Inspector string
	Premises  string
	Reason    string
	Extra     map[string]string
}

// Row returns the record as a row.
func (c ConflictRecord) Row() Row {
	return buildRow(c.ID, c.Extra, AttrInspector, c.Inspector, AttrPremises, c.Premises, AttrReason, c.Reason)
}

// InspectionRecord is a past inspection (a history row) as a Go value.
type InspectionRecord struct {
	ID         string
	Premises   string
	Date       Date
	Inspectors []string // any order; the table keeps them sorted
	Extra      map[string]string
}

// Row returns the record as a row.
func (h InspectionRecord) Row() Row {
	return buildRow(h.ID, h.Extra, AttrPremises, h.Premises, AttrDate, h.Date.String(),
		AttrInspectors, strings.Join(h.Inspectors, ";"))
}

// buildRow makes a row of id, name/value pairs and extra attributes,
// empty values dropped, sorted by name; repeated names are kept for the
// table to reject.
func buildRow(id string, extra map[string]string, pairs ...string) Row {
	r := Row{ID: id}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			r.Attrs = append(r.Attrs, Attr{pairs[i], pairs[i+1]})
		}
	}
	for name, v := range extra {
		if v != "" {
			r.Attrs = append(r.Attrs, Attr{name, v})
		}
	}
	sortAttrs(r.Attrs)
	return r
}

// Name returns the premises' display name.
func (p Premises) Name() string { return p.Get(AttrName) }

// Name returns the inspector's display name.
func (i Inspector) Name() string { return i.Get(AttrName) }
