package samplecounty

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/roster"
)

// The county's fixed facts.
const (
	// CountyCode is the county's 6-digit division code; township codes
	// are CountyCode followed by 001..018.
	CountyCode = "371727"
	// CountyName is the county's (fictional) name.
	CountyName = "澄溪县"
	// PlanDate is the day of the sample plan. Every date in the county
	// derives from it; nothing reads the clock.
	PlanDate = "2026-11-22"
	// DefaultSeed seeds the generator of the embedded county.
	DefaultSeed = 0x371727_20261122

	// DefaultPremises and DefaultInspectors are the sizes of the
	// embedded county.
	DefaultPremises   = 3000
	DefaultInspectors = 40

	// MaxPremises bounds Config.Premises.
	MaxPremises = 10_000_000
)

// pcgStream is the second PCG seed word; with Config.Seed it fixes the
// stream. math/rand/v2 promises that PCG's outputs never change.
const pcgStream = 0x646f75626c6572 // "doubler"

// History spans two years before the plan date.
const (
	historyFrom = "2024-11-01"
	historyTo   = "2026-11-20"
)

// Config sizes a generated county. The zero Config is the embedded one.
type Config struct {
	// Premises is the number of premises rows; 0 means DefaultPremises.
	Premises int
	// Inspectors is the number of inspectors; 0 means DefaultInspectors
	// for up to DefaultPremises premises and one per 75 premises above.
	Inspectors int
	// Seed seeds the generator; 0 means DefaultSeed.
	Seed uint64
	// Shuffle writes the rows of every table in an order drawn from the
	// seed (as registers export them: neither in id order nor grouped),
	// for benchmarks. The rows are the same; only their order changes.
	Shuffle bool
	// LongIDs gives premises ids of 18 to 22 bytes, as exported
	// registers have them: village clinic licences become 19-byte
	// numbers (PDY, the township code, a serial of 7 digits; not 18
	// bytes, which would read as credit codes) and about a
	// quarter of the premises with a credit code are sites of their
	// holder, the code followed by "-" and a site number.
	LongIDs bool
}

// DefaultConfig returns the configuration of the embedded county.
func DefaultConfig() Config {
	return Config{Premises: DefaultPremises, Inspectors: DefaultInspectors, Seed: DefaultSeed}
}

func (c Config) normalize() (Config, error) {
	if c.Premises == 0 {
		c.Premises = DefaultPremises
	}
	if c.Premises < 0 || c.Premises > MaxPremises {
		return c, fmt.Errorf("samplecounty: Premises = %d, want 1..%d", c.Premises, MaxPremises)
	}
	if c.Inspectors == 0 {
		c.Inspectors = max(DefaultInspectors, c.Premises/75)
	}
	if c.Inspectors < 2 || c.Inspectors > 999_999 {
		return c, fmt.Errorf("samplecounty: Inspectors = %d, want 2..999999", c.Inspectors)
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	return c, nil
}

type premises struct {
	id, name    string
	town        int
	category    string
	subcategory string
	risk        string
	status      string
	address     string
	legalRep    string
}

type inspector struct {
	id, name    string
	unit        string
	town        int // -1 for the county bureau
	home        int
	specialties []string
	expires     string
	capacity    string
	status      string
}

type inspection struct {
	premises   int
	date       roster.Date
	inspectors [2]int
}

type conflict struct {
	inspector, premises int
	reason              string
}

type gen struct {
	cfg        Config
	r          *rand.Rand
	villages   [len(townships)][]string
	premises   []premises
	inspectors []inspector
	history    []inspection
	conflicts  []conflict
	ids        map[string]struct{} // ids in use; looked up, never ranged over
	licences   [len(townships)]int // village clinic licences issued per township
	byTown     [len(townships)][]int
	// historyIDs, when set (Shuffle), is the serial of each history row's id.
	historyIDs []int
}

// newGen makes the county of cfg that Generate and GenerateV2 write:
// villages, premises, inspectors, history and conflicts, shuffled if
// cfg says so.
func newGen(cfg Config) (*gen, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	g := &gen{cfg: cfg, r: rand.New(rand.NewPCG(cfg.Seed, pcgStream)), ids: map[string]struct{}{}}
	g.makeVillages()
	g.makePremises()
	g.makeInspectors()
	g.makeHistory()
	g.makeConflicts()
	if cfg.Shuffle {
		g.shuffle()
	}
	return g, nil
}

// Generate builds a county of the given size deterministically: the same
// Config gives the same bytes on every platform and Go release. The files
// are in memory; use [Files.WriteDir] to write them or [Files.Load] to
// read them as tables.
func Generate(cfg Config) (*Files, error) {
	g, err := newGen(cfg)
	if err != nil {
		return nil, err
	}
	f := &Files{
		Premises:   g.premisesCSV(),
		Inspectors: g.inspectorsCSV(),
		Conflicts:  g.conflictsCSV(),
		History:    g.historyCSV(),
	}
	if f.Plan, err = g.plan(); err != nil {
		return nil, err
	}
	return f, nil
}

// shuffle puts the premises, history and conflicts in an order drawn from
// a generator of its own (so that the rows themselves are those of the
// same Config without Shuffle), keeping every reference.
func (g *gen) shuffle() {
	r := rand.New(rand.NewPCG(g.cfg.Seed, pcgStream+1))
	perm := r.Perm(len(g.premises))
	moved := make([]premises, len(g.premises))
	at := make([]int, len(g.premises)) // new position of each premises
	for to, from := range perm {
		moved[to] = g.premises[from]
		at[from] = to
	}
	g.premises = moved
	for i := range g.history {
		g.history[i].premises = at[g.history[i].premises]
	}
	for i := range g.conflicts {
		g.conflicts[i].premises = at[g.conflicts[i].premises]
	}
	// History ids are numbered in date order when written: number them
	// first, then shuffle the rows.
	g.historyIDs = make([]int, len(g.history))
	for i := range g.historyIDs {
		g.historyIDs[i] = i + 1
	}
	r.Shuffle(len(g.history), func(i, j int) {
		g.history[i], g.history[j] = g.history[j], g.history[i]
		g.historyIDs[i], g.historyIDs[j] = g.historyIDs[j], g.historyIDs[i]
	})
	r.Shuffle(len(g.conflicts), func(i, j int) { g.conflicts[i], g.conflicts[j] = g.conflicts[j], g.conflicts[i] })
}

// regionCode returns the 9-digit division code of township t.
func regionCode(t int) string { return fmt.Sprintf("%s%03d", CountyCode, t+1) }

// pick returns an index chosen with probability proportional to weights.
func (g *gen) pick(weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := g.r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	panic("unreachable")
}

func (g *gen) townWeights() []int {
	w := make([]int, len(townships))
	for i, t := range townships {
		w[i] = t.weight
	}
	return w
}

func (g *gen) one(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) trade() string {
	a := g.r.IntN(len(tradeSyllables))
	b := g.r.IntN(len(tradeSyllables) - 1)
	if b >= a {
		b++
	}
	return tradeSyllables[a] + tradeSyllables[b]
}

func (g *gen) person() string {
	name := g.one(surnames[:]) + g.one(givenSyllables[:])
	if g.r.IntN(3) > 0 {
		name += g.one(givenSyllables[:])
	}
	return name
}

func (g *gen) makeVillages() {
	for t := range townships {
		n := 10 + g.r.IntN(12)
		seen := []string{}
		for len(seen) < n {
			v := g.one(surnames[:]) + g.one(villageEnds[:])
			if !slices.Contains(seen, v) {
				seen = append(seen, v)
			}
		}
		g.villages[t] = seen
	}
}

func (g *gen) address(t int, village string) string {
	tw := townships[t]
	if tw.urban {
		return fmt.Sprintf("%s%s%s%d号", CountyName, tw.name, g.one(roads[:]), 1+g.r.IntN(300))
	}
	if village == "" {
		village = g.one(g.villages[t])
	}
	return fmt.Sprintf("%s%s%s村%d号", CountyName, tw.name, village, 1+g.r.IntN(120))
}

// uscc returns a fresh unified social credit code with the given
// registration prefix (91, 92, 12, 52) and a valid check character.
func (g *gen) uscc(prefix string) string {
	const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	for {
		var b strings.Builder
		b.WriteString(prefix)
		b.WriteString(CountyCode)
		switch {
		case prefix == idInstitution:
			// Public institutions kept their old organisation code.
			b.WriteByte('4')
			for range 7 {
				b.WriteByte('0' + byte(g.r.IntN(10)))
			}
			b.WriteByte("0123456789X"[g.r.IntN(11)])
		case prefix == idSocial:
			b.WriteString("MJ")
			for range 7 {
				b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
			}
		case g.r.IntN(5) < 3:
			// Registered since 2015: the body starts with MA.
			b.WriteString("MA")
			for range 7 {
				b.WriteByte(alphabet[g.r.IntN(len(alphabet))])
			}
		default:
			for range 8 {
				b.WriteByte('0' + byte(g.r.IntN(10)))
			}
			b.WriteByte("0123456789X"[g.r.IntN(11)])
		}
		c, err := roster.USCCCheckChar(b.String())
		if err != nil {
			panic(err) // the alphabet above is the code's own
		}
		b.WriteByte(c)
		if g.cfg.LongIDs && (prefix == idCompany || prefix == idIndividual) && g.r.IntN(4) == 0 {
			fmt.Fprintf(&b, "-%d", 1+g.r.IntN(999))
		}
		id := b.String()
		if _, dup := g.ids[id]; !dup {
			g.ids[id] = struct{}{}
			return id
		}
	}
}

// newID returns an identifier of the given kind for a premises in
// township t. Village clinic licences are the township code and a serial.
func (g *gen) newID(kind string, t int) string {
	if kind == idLicence && g.cfg.LongIDs {
		g.licences[t]++
		return fmt.Sprintf("PDY%s%07d", regionCode(t), g.licences[t])
	}
	if kind == idLicence {
		if g.licences[t] < 999 {
			g.licences[t]++
			return fmt.Sprintf("%s%03d", regionCode(t), g.licences[t])
		}
		kind = idSocial
	}
	return g.uscc(kind)
}

func (g *gen) risk(w [4]int) string { return string(rune('A' + g.pick(w[:]))) }

func (g *gen) status() string {
	switch n := g.r.IntN(100); {
	case n < 3:
		return "inactive"
	case n < 6:
		return "closed"
	}
	return "active"
}

func (g *gen) add(p premises) {
	if len(g.premises) >= g.cfg.Premises {
		return
	}
	if p.legalRep == "" {
		p.legalRep = g.person()
	}
	if p.address == "" {
		p.address = g.address(p.town, "")
	}
	if p.status == "" {
		p.status = "active"
	}
	g.byTown[p.town] = append(g.byTown[p.town], len(g.premises))
	g.premises = append(g.premises, p)
}

// fixedPremises adds the public institutions every county has.
func (g *gen) fixedPremises() {
	county := []struct{ name, cat, sub, risk, kind string }{
		{"人民医院", catMedical, "医院", "C", idInstitution},
		{"中医医院", catMedical, "医院", "C", idInstitution},
		{"妇幼保健院", catMedical, "医院", "C", idInstitution},
		{"第一中学", catSchool, "中小学", "C", idInstitution},
		{"第二中学", catSchool, "中小学", "B", idInstitution},
		{"实验小学", catSchool, "中小学", "B", idInstitution},
		{"自来水有限公司", catDrinkingWater, "集中式供水", "D", idCompany},
		{"疾病预防控制中心", catRadiation, "放射诊疗", "B", idInstitution},
	}
	for _, c := range county {
		g.add(premises{id: g.newID(c.kind, 0), name: CountyName + c.name, town: 0,
			category: c.cat, subcategory: c.sub, risk: c.risk})
	}
	for t, tw := range townships {
		centre := "卫生院"
		if tw.urban {
			centre = "社区卫生服务中心"
		}
		g.add(premises{id: g.newID(idInstitution, t), name: tw.name + centre, town: t,
			category: catMedical, subcategory: "卫生院", risk: g.risk([4]int{0, 60, 40, 0})})
		g.add(premises{id: g.newID(idInstitution, t), name: tw.name + "中心小学", town: t,
			category: catSchool, subcategory: "中小学", risk: g.risk([4]int{10, 60, 30, 0})})
		g.add(premises{id: g.newID(idInstitution, t), name: tw.name + "初级中学", town: t,
			category: catSchool, subcategory: "中小学", risk: g.risk([4]int{0, 50, 50, 0})})
		g.add(premises{id: g.newID(idInstitution, t), name: tw.name + "中心幼儿园", town: t,
			category: catSchool, subcategory: "幼儿园", risk: g.risk([4]int{10, 60, 30, 0})})
	}
}

func (g *gen) makePremises() {
	g.premises = make([]premises, 0, g.cfg.Premises)
	g.fixedPremises()
	tw := g.townWeights()
	typeWeights := make([]int, len(premisesTypes))
	for i, pt := range premisesTypes {
		typeWeights[i] = pt.weight
	}
	for len(g.premises) < g.cfg.Premises {
		pt := &premisesTypes[g.pick(typeWeights)]
		t := g.pick(tw)
		idw := make([]int, len(pt.ids))
		for i, s := range pt.ids {
			idw[i] = s.weight
		}
		kind := pt.ids[g.pick(idw)].kind
		suffix := g.one(pt.suffixes)
		p := premises{id: g.newID(kind, t), town: t, category: pt.category,
			subcategory: pt.subcategory, risk: g.risk(pt.risk), status: g.status()}
		switch {
		case pt.village:
			v := g.one(g.villages[t])
			place := "村"
			if townships[t].urban {
				place = "社区"
			}
			p.name = townships[t].name + v + place + suffix
			p.address = g.address(t, v)
		case kind == idCompany && g.r.IntN(2) == 0:
			p.name = CountyName + g.trade() + suffix
		case g.r.IntN(10) < 3:
			p.name = townships[t].short + g.trade() + suffix
		default:
			p.name = g.trade() + suffix
		}
		g.add(p)
	}
}

// Specialty cycles: the i'th inspector of a unit kind gets the i'th entry
// (mod length) as first specialty, so every size has every specialty.
var (
	bureauSpecialties = []string{specPublicHealth, specMedical, specRadiation, specPublicHealth,
		specMedical, specDrinkingWater, specSchoolHealth, specOccupational, specMedical,
		specRadiation, specPublicHealth, specMedical, specSchoolHealth, specRadiation}
	stationSpecialties = []string{specPublicHealth, specMedical, specSchoolHealth, specPublicHealth,
		specMedical, specDrinkingWater, specPublicHealth, specMedical, specOccupational}
	extraSpecialties = []string{specPublicHealth, specPublicHealth, specMedical, specMedical,
		specSchoolHealth, specDrinkingWater, specOccupational, specRadiation}
)

func (g *gen) makeInspectors() {
	n := g.cfg.Inspectors
	bureau := max(1, n/2)
	width := 4
	if n >= 10_000 {
		width = 6
	}
	tw := g.townWeights()
	for i := range n {
		in := inspector{id: fmt.Sprintf("WJ%s%0*d", CountyCode, width, i+1), name: g.person()}
		var first string
		if i < bureau {
			in.unit, in.town = "county-bureau", -1
			in.home = g.pick(tw)
			first = bureauSpecialties[i%len(bureauSpecialties)]
		} else {
			in.town = (i - bureau) % len(townships)
			in.unit = fmt.Sprintf("station-%03d", in.town+1)
			in.home = in.town
			if g.r.IntN(5) < 2 {
				in.home = g.pick(tw)
			}
			first = stationSpecialties[(i-bureau)%len(stationSpecialties)]
		}
		in.specialties = []string{first}
		if g.r.IntN(2) == 0 {
			if s := g.one(extraSpecialties); s != first {
				in.specialties = append(in.specialties, s)
			}
		}
		slices.Sort(in.specialties)
		if g.r.IntN(100) < 5 {
			// Expired before the plan date and not yet renewed.
			in.expires = lastDay(2025+g.r.IntN(2), 1+g.r.IntN(10))
		} else {
			in.expires = lastDay(2027+g.r.IntN(3), 1+g.r.IntN(12))
		}
		if g.r.IntN(4) > 0 {
			// The bureau's full-time inspectors take more teams than
			// the township stations' staff.
			if in.town < 0 {
				in.capacity = strconv.Itoa(8 + g.r.IntN(5))
			} else {
				in.capacity = strconv.Itoa(5 + g.r.IntN(8))
			}
		}
		in.status = "active"
		if g.r.IntN(100) < 7 {
			in.status = "inactive"
		}
		g.inspectors = append(g.inspectors, in)
	}
}

// lastDay returns the last day of the month as YYYY-MM-DD.
func lastDay(year, month int) string {
	first := roster.MustParseDate(fmt.Sprintf("%04d-%02d-01", year, month))
	next := first.AddDays(31)
	next = next.AddDays(1 - next.Time().Day())
	return next.AddDays(-1).String()
}

// categorySpecialty is the specialty an inspection of a category calls
// for, in the history.
var categorySpecialty = map[string]string{
	catPublicPlace:   specPublicHealth,
	catDrinkingWater: specDrinkingWater,
	catSchool:        specSchoolHealth,
	catMedical:       specMedical,
	catOccupational:  specOccupational,
	catRadiation:     specRadiation,
}

func (g *gen) makeHistory() {
	from := roster.MustParseDate(historyFrom)
	to := roster.MustParseDate(historyTo)
	// Cumulative weights: riskier premises are inspected more often.
	riskWeight := map[string]int{"A": 1, "B": 2, "C": 4, "D": 8}
	cum := make([]int, len(g.premises))
	total := 0
	for i, p := range g.premises {
		total += riskWeight[p.risk]
		cum[i] = total
	}
	// Inspectors by unit and specialty, in id order.
	var bureau []int
	leads := map[string][]int{} // bureau inspectors by specialty; looked up only
	stations := make([][]int, len(townships))
	for i, in := range g.inspectors {
		if in.town < 0 {
			bureau = append(bureau, i)
			for _, s := range in.specialties {
				leads[s] = append(leads[s], i)
			}
		} else {
			stations[in.town] = append(stations[in.town], i)
		}
	}
	want := g.cfg.Premises / 2
	g.history = make([]inspection, 0, want+want/4)
	for len(g.history) < want {
		pi, _ := slices.BinarySearch(cum, 1+g.r.IntN(total))
		p := &g.premises[pi]
		d := from.AddDays(g.r.IntN(int(to-from) + 1))
		d = workday(d, to)
		// The lead is a bureau inspector of the matching specialty, the
		// second usually the township station's, else anyone.
		lead := leads[categorySpecialty[p.category]]
		if len(lead) == 0 {
			lead = bureau
		}
		a := lead[g.r.IntN(len(lead))]
		var b int
		if st := stations[p.town]; len(st) > 0 && g.r.IntN(4) > 0 {
			b = st[g.r.IntN(len(st))]
		} else {
			b = g.r.IntN(len(g.inspectors))
		}
		if b == a {
			continue
		}
		g.history = append(g.history, inspection{premises: pi, date: d, inspectors: [2]int{a, b}})
		// A follow-up visit (复查) by the same pair when something was found.
		if g.r.IntN(100) < 18 {
			f := workday(d.AddDays(20+g.r.IntN(50)), to)
			if f > d && f <= to {
				g.history = append(g.history, inspection{premises: pi, date: f, inspectors: [2]int{a, b}})
			}
		}
	}
	g.history = g.history[:want]
	slices.SortStableFunc(g.history, func(x, y inspection) int { return int(x.date) - int(y.date) })
}

// workday moves d forward to a Monday..Friday, or back when that passes
// the last day.
func workday(d, last roster.Date) roster.Date {
	weekend := func(d roster.Date) bool { return d.Weekday() == time.Saturday || d.Weekday() == time.Sunday }
	for weekend(d) {
		d = d.AddDays(1)
	}
	for d > last || weekend(d) {
		d = d.AddDays(-1)
	}
	return d
}

func (g *gen) makeConflicts() {
	n := max(1, g.cfg.Premises/200)
	reasons := []string{"kinship", "kinship", "kinship", "interest", "interest", "former-employer"}
	type pair struct{ i, p int }
	var seen []pair
	for tries := 0; len(g.conflicts) < n && tries < 100*n; tries++ {
		i := g.r.IntN(len(g.inspectors))
		reason := g.one(reasons)
		// A relative usually lives where the inspector lives.
		town := g.inspectors[i].home
		if reason != "kinship" && g.inspectors[i].town >= 0 {
			town = g.inspectors[i].town
		}
		if len(g.byTown[town]) == 0 {
			continue
		}
		p := g.byTown[town][g.r.IntN(len(g.byTown[town]))]
		if slices.Contains(seen, pair{i, p}) {
			continue
		}
		seen = append(seen, pair{i, p})
		g.conflicts = append(g.conflicts, conflict{inspector: i, premises: p, reason: reason})
	}
}

func writeCSV(header []string, rows [][]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	for _, r := range rows {
		w.Write(r)
	}
	w.Flush()
	return buf.Bytes()
}

func (g *gen) premisesCSV() []byte {
	rows := make([][]string, len(g.premises))
	for i, p := range g.premises {
		rows[i] = []string{p.id, p.name, regionCode(p.town), p.category, p.risk, p.status,
			p.subcategory, p.address, p.legalRep}
	}
	return writeCSV([]string{"id", "name", "region", "category", "risk", "status",
		"subcategory", "address", "legal_representative"}, rows)
}

func (g *gen) inspectorsCSV() []byte {
	rows := make([][]string, len(g.inspectors))
	for i, in := range g.inspectors {
		region := CountyCode
		if in.town >= 0 {
			region = regionCode(in.town)
		}
		rows[i] = []string{in.id, in.name, in.unit, region, regionCode(in.home),
			strings.Join(in.specialties, ";"), in.expires, in.capacity, in.status}
	}
	return writeCSV([]string{"id", "name", "unit", "region", "home_region", "specialties",
		"credential_expires", "capacity", "status"}, rows)
}

func (g *gen) conflictsCSV() []byte {
	rows := make([][]string, len(g.conflicts))
	for i, c := range g.conflicts {
		rows[i] = []string{g.inspectors[c.inspector].id, g.premises[c.premises].id, c.reason}
	}
	return writeCSV([]string{"inspector", "premises", "reason"}, rows)
}

func (g *gen) historyCSV() []byte {
	rows := make([][]string, len(g.history))
	for i, h := range g.history {
		ins := []string{g.inspectors[h.inspectors[0]].id, g.inspectors[h.inspectors[1]].id}
		slices.Sort(ins)
		serial := i + 1
		if g.historyIDs != nil {
			serial = g.historyIDs[i]
		}
		rows[i] = []string{fmt.Sprintf("JC%07d", serial), g.premises[h.premises].id,
			h.date.String(), strings.Join(ins, ";")}
	}
	return writeCSV([]string{"id", "premises", "date", "inspectors"}, rows)
}

// The plan's JSON shape (protocol §2), in the field order it is written.
type (
	planJSON struct {
		Protocol        string              `json:"protocol"`
		ID              string              `json:"id"`
		Name            string              `json:"name"`
		Authority       string              `json:"authority"`
		Date            string              `json:"date"`
		Scope           map[string][]string `json:"scope"`
		Stratify        []string            `json:"stratify"`
		Quotas          []quotaJSON         `json:"quotas"`
		Cooldown        cooldownJSON        `json:"cooldown"`
		CoverageDays    int                 `json:"coverage_days"`
		Targeted        []targetJSON        `json:"targeted"`
		Teams           []teamJSON          `json:"teams"`
		Conflicts       conflictsJSON       `json:"conflicts"`
		DefaultCapacity int                 `json:"default_capacity"`
	}
	quotaJSON struct {
		Match map[string]string `json:"match"`
		Ratio string            `json:"ratio"`
		Min   int               `json:"min,omitempty"`
		Max   int               `json:"max,omitempty"`
	}
	cooldownJSON struct {
		Days int `json:"days"`
		Max  int `json:"max"`
	}
	targetJSON struct {
		ID     string `json:"id"`
		Reason string `json:"reason"`
	}
	teamJSON struct {
		Match        map[string]string `json:"match"`
		Size         int               `json:"size"`
		Specialty    string            `json:"specialty,omitempty"`
		Units        []string          `json:"units,omitempty"`
		MaxPerUnit   int               `json:"max_per_unit,omitempty"`
		RegionPrefix int               `json:"region_prefix,omitempty"`
	}
	conflictsJSON struct {
		Declared     bool `json:"declared"`
		RotationDays int  `json:"rotation_days"`
		HomeRegion   bool `json:"home_region"`
	}
)

// targeted picks the premises of the plan's complaint: the first active
// swimming pool or bath house of the county seat, else any active public
// place, else any active premises.
func (g *gen) targeted() (string, error) {
	for _, ok := range []func(p *premises) bool{
		func(p *premises) bool { return p.town == 0 && p.subcategory == "游泳场所" },
		func(p *premises) bool { return p.subcategory == "游泳场所" || p.subcategory == "浴室" },
		func(p *premises) bool { return p.category == catPublicPlace },
		func(p *premises) bool { return true },
	} {
		for i := range g.premises {
			if p := &g.premises[i]; p.status == "active" && ok(p) {
				return p.id, nil
			}
		}
	}
	return "", errors.New("samplecounty: no active premises to target")
}

func (g *gen) plan() ([]byte, error) {
	target, err := g.targeted()
	if err != nil {
		return nil, err
	}
	all := map[string]string{}
	p := planJSON{
		Protocol:  "doublerandom/v1",
		ID:        "2026-Q4-" + CountyCode + "-health",
		Name:      "2026年第四季度卫生健康双随机抽查",
		Authority: CountyName + "卫生健康局",
		Date:      PlanDate,
		Scope: map[string][]string{"category": {catPublicPlace, catDrinkingWater, catSchool,
			catMedical, catOccupational, catRadiation}},
		Stratify: []string{"category", "risk"},
		Quotas: []quotaJSON{
			{Match: map[string]string{"category": catRadiation}, Ratio: "100%"},
			{Match: map[string]string{"risk": "D"}, Ratio: "100%"},
			{Match: map[string]string{"category": catMedical}, Ratio: "5%", Min: 1},
			{Match: map[string]string{"category": catSchool}, Ratio: "10%", Min: 2},
			{Match: all, Ratio: "2%", Min: 1, Max: 50},
		},
		Cooldown:     cooldownJSON{Days: 365, Max: 2},
		CoverageDays: 1095,
		Targeted:     []targetJSON{{ID: target, Reason: "complaint 2026-113"}},
		Teams: []teamJSON{
			{Match: map[string]string{"category": catMedical}, Size: 2, Specialty: specMedical},
			{Match: map[string]string{"category": catRadiation}, Size: 2, Specialty: specRadiation, RegionPrefix: 6},
			{Match: all, Size: 2, Units: []string{"county-bureau"}, MaxPerUnit: 1},
		},
		Conflicts:       conflictsJSON{Declared: true, RotationDays: 365, HomeRegion: true},
		DefaultCapacity: 8,
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
