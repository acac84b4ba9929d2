package roster

// Attribute names the protocol reads. Other attributes are carried and
// hashed but not interpreted.
const (
	AttrRegion            = "region"             // administrative division code
	AttrCategory          = "category"           // public_place, drinking_water, school, medical, …
	AttrRisk              = "risk"               // risk class A–D
	AttrStatus            = "status"             // inactive and closed rows take no part
	AttrUnit              = "unit"               // the inspector's unit (county bureau, station)
	AttrHomeRegion        = "home_region"        // where the inspector lives
	AttrSpecialties       = "specialties"        // multi-valued
	AttrCredentialExpires = "credential_expires" // YYYY-MM-DD
	AttrCapacity          = "capacity"           // teams an inspector may join in one draw
	AttrInspector         = "inspector"          // conflicts: the inspector
	AttrPremises          = "premises"           // conflicts and history: the premises
	AttrReason            = "reason"             // conflicts: why
	AttrDate              = "date"               // history: day of the inspection
	AttrInspectors        = "inspectors"         // history: who went, multi-valued
)

// Active reports whether a row takes part in a draw: its status is neither
// "inactive" nor "closed".
func Active(r Row) bool {
	s := r.Get(AttrStatus)
	return s != "inactive" && s != "closed"
}

// Premises is a row of the premises roster (检查对象名录库).
type Premises struct{ Row }

// Region returns the administrative division code.
func (p Premises) Region() string { return p.Get(AttrRegion) }

// Category returns the supervision category.
func (p Premises) Category() string { return p.Get(AttrCategory) }

// Risk returns the risk class (A–D).
func (p Premises) Risk() string { return p.Get(AttrRisk) }

// Status returns the status attribute.
func (p Premises) Status() string { return p.Get(AttrStatus) }

// Unit returns the supervising unit, if the roster names one.
func (p Premises) Unit() string { return p.Get(AttrUnit) }

// Active reports whether the premises takes part in draws.
func (p Premises) Active() bool { return Active(p.Row) }

// Inspector is a row of the inspector roster (执法检查人员名录库).
type Inspector struct{ Row }

// Unit returns the inspector's unit.
func (i Inspector) Unit() string { return i.Get(AttrUnit) }

// Region returns the division code of the inspector's jurisdiction.
func (i Inspector) Region() string { return i.Get(AttrRegion) }

// HomeRegion returns the division code where the inspector lives.
func (i Inspector) HomeRegion() string { return i.Get(AttrHomeRegion) }

// Status returns the status attribute.
func (i Inspector) Status() string { return i.Get(AttrStatus) }

// Active reports whether the inspector takes part in draws.
func (i Inspector) Active() bool { return Active(i.Row) }

// Specialties returns the inspector's specialties, sorted.
func (i Inspector) Specialties() []string { return SplitList(i.Get(AttrSpecialties)) }

// HasSpecialty reports whether s is among the inspector's specialties.
func (i Inspector) HasSpecialty(s string) bool { return listHas(i.Get(AttrSpecialties), s) }

// CredentialExpires returns the last day of the inspector's law
// enforcement credential; ok is false when absent (or not a valid date,
// which a validated table never holds).
func (i Inspector) CredentialExpires() (d Date, ok bool) {
	d, err := ParseDate(i.Get(AttrCredentialExpires))
	return d, err == nil
}

// Capacity returns the inspector's capacity attribute; ok is false when
// absent, in which case the plan's default applies.
func (i Inspector) Capacity() (n int, ok bool) {
	v := i.Get(AttrCapacity)
	if v == "" {
		return 0, false
	}
	n, err := parseCount(v)
	return n, err == nil
}

// Conflict is a declared conflict of interest (回避): the inspector must not
// inspect the premises.
type Conflict struct{ Row }

// Inspector returns the inspector's id.
func (c Conflict) Inspector() string { return c.Get(AttrInspector) }

// Premises returns the premises id.
func (c Conflict) Premises() string { return c.Get(AttrPremises) }

// Reason returns the declared reason (kinship, interest, …).
func (c Conflict) Reason() string { return c.Get(AttrReason) }

// Inspection is a row of the history table: one past inspection.
type Inspection struct{ Row }

// Premises returns the id of the premises inspected.
func (h Inspection) Premises() string { return h.Get(AttrPremises) }

// Date returns the day of the inspection; ok is false when it is not a
// valid date (a validated table never holds one).
func (h Inspection) Date() (d Date, ok bool) {
	d, err := ParseDate(h.Get(AttrDate))
	return d, err == nil
}

// Inspectors returns the ids of the inspectors who went, sorted.
func (h Inspection) Inspectors() []string { return SplitList(h.Get(AttrInspectors)) }

// HasInspector reports whether the inspector went.
func (h Inspection) HasInspector(id string) bool { return listHas(h.Get(AttrInspectors), id) }

func listHas(list, s string) bool {
	for len(list) > 0 {
		item := list
		rest := ""
		for j := 0; j < len(list); j++ {
			if list[j] == ';' {
				item, rest = list[:j], list[j+1:]
				break
			}
		}
		if item == s {
			return true
		}
		list = rest
	}
	return false
}
