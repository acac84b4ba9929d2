package samplecounty

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// pcgStreamV2 is the PCG stream of what GenerateV2 adds to the county, so
// that the v1 files stay byte for byte those of [Generate].
const pcgStreamV2 = 0x646f75626c657232 // "doubler2"

// Units of the partner departments of the v2 county's joint inspections
// (部门联合抽查), and the health supervision bureau's own unit.
const (
	UnitHealth    = "wsjd" // 卫生健康综合监督执法局
	UnitWater     = "slj"  // 水利局
	UnitMarket    = "scjg" // 市场监督管理局
	UnitInsurance = "ybj"  // 医疗保障局
	UnitCDC       = "cdc"  // 疾病预防控制中心
)

// Statuses of the v2 county, as registers write them.
const (
	statusActive    = "存续"
	statusCancelled = "注销"
	statusSuspended = "停业"
	statusOnDuty    = "在职"
	statusMovedAway = "调离"
)

// GenerateV2 builds the county of [Generate] for protocol v2: the same
// premises, inspectors, history and conflicts, written with what real
// registers and v2 plans use — Chinese statuses (存续, 注销, 停业; 在职,
// 调离), each premises' town and inspection matters, insured medical
// institutions, one unit for the health bureau's inspectors and the
// inspectors of four partner departments (水利局, 市场监管局, 医保局,
// 疾控中心), phone numbers (private), Chinese conflict reasons (private),
// and history rows with their kind and matters — and a yearly plan of
// seven tasks in the shape of a county health bureau's 2026 plan: schools
// 20%, drinking water 40% spread over towns with the water bureau, radiation
// 40%, public places weighted by risk class with the D class split off at
// 30%, infectious disease control by hospital level, and occupational
// health, with three-year coverage guaranteed within three draws.
//
// Like Generate it reads no clock and no map order: the same Config gives
// the same bytes everywhere.
func GenerateV2(cfg Config) (*Files, error) {
	g, err := newGen(cfg)
	if err != nil {
		return nil, err
	}
	v := &genV2{gen: g, r2: rand.New(rand.NewPCG(g.cfg.Seed, pcgStreamV2))}
	v.partners()
	f := &Files{
		Premises:   v.premisesCSV(),
		Inspectors: v.inspectorsCSV(),
		Conflicts:  v.conflictsCSV(),
		History:    v.historyCSV(),
	}
	if f.Plan, err = v.plan(); err != nil {
		return nil, err
	}
	return f, nil
}

type genV2 struct {
	*gen
	r2       *rand.Rand
	partner  []inspector // inspectors of the partner departments
	phones   []string    // by inspector, the partners after the bureau's
	specs    [][]string  // by health inspector: the v1 specialties and maybe one more
	insured  []bool      // by premises
	matterOf []string    // by premises: its matters, canonical
}

// partners adds the partner departments' inspectors (a few per
// department, more for a larger county) and draws the v2-only attributes.
func (v *genV2) partners() {
	n := max(2, len(v.inspectors)/15)
	for _, d := range []struct {
		unit, prefix string
		specs        []string
		count        int
	}{
		{UnitWater, "SL", []string{specDrinkingWater}, 2*n + 1},
		{UnitMarket, "SJ", []string{"market"}, n + 1},
		{UnitInsurance, "YB", []string{"insurance"}, 2 * n},
		{UnitCDC, "CD", []string{"disinfection", "infection"}, n + 1},
	} {
		for i := range d.count {
			v.partner = append(v.partner, inspector{
				id: fmt.Sprintf("%s%s%04d", d.prefix, CountyCode, i+1), name: v.person(),
				unit: d.unit, town: -1, home: v.r2.IntN(len(townships)),
				specialties: d.specs, expires: lastDay(2027+v.r2.IntN(3), 1+v.r2.IntN(12)),
				capacity: "10", status: "active",
			})
		}
	}
	// Health inspectors of a real bureau hold several specialties.
	v.specs = make([][]string, len(v.inspectors))
	for i, in := range v.inspectors {
		specs := slices.Clone(in.specialties)
		if s := extraSpecialties[v.r2.IntN(len(extraSpecialties))]; !slices.Contains(specs, s) {
			specs = append(specs, s)
		}
		slices.Sort(specs)
		v.specs[i] = specs
	}
	for range len(v.inspectors) + len(v.partner) {
		v.phones = append(v.phones, fmt.Sprintf("139%08d", v.r2.IntN(100_000_000)))
	}
	v.insured = make([]bool, len(v.premises))
	v.matterOf = make([]string, len(v.premises))
	for i, p := range v.premises {
		var m []string
		switch p.category {
		case catSchool:
			m = []string{"school"}
			if v.r2.IntN(4) == 0 {
				m = append(m, "water") // its own well (自备水源)
			}
		case catDrinkingWater:
			if p.subcategory != "涉水产品" { // products are inspected at the shop, not as a water supply
				m = []string{"water"}
			}
		case catPublicPlace:
			m = []string{"public-place"}
		case catMedical:
			m = []string{"infection"}
			v.insured[i] = p.subcategory != "卫生室" || v.r2.IntN(2) == 0
			if (p.subcategory == "医院" || p.subcategory == "卫生院") && v.r2.IntN(3) > 0 {
				m = append(m, "radiation") // an X-ray room
			}
		case catRadiation:
			m = []string{"radiation"}
			v.insured[i] = true
		case catOccupational:
			m = []string{"occupational"}
		}
		slices.Sort(m)
		v.matterOf[i] = strings.Join(m, ";")
	}
}

func v2Status(s string) string {
	switch s {
	case "inactive":
		return statusCancelled
	case "closed":
		return statusSuspended
	}
	return statusActive
}

func (v *genV2) premisesCSV() []byte {
	rows := make([][]string, len(v.premises))
	for i, p := range v.premises {
		insured := ""
		if v.insured[i] {
			insured = "yes"
		}
		rows[i] = []string{p.id, p.name, regionCode(p.town), townships[p.town].name, p.category,
			p.subcategory, v.matterOf[i], p.risk, insured, v2Status(p.status), p.address, p.legalRep}
	}
	return writeCSV([]string{"id", "name", "region", "town", "category", "subcategory", "matters",
		"risk", "insured", "status", "address", "legal_representative"}, rows)
}

func (v *genV2) inspectorsCSV() []byte {
	all := append(slices.Clone(v.inspectors), v.partner...)
	rows := make([][]string, len(all))
	for i, in := range all {
		region := CountyCode
		if in.town >= 0 {
			region = regionCode(in.town)
		}
		unit, specs := in.unit, in.specialties
		if i < len(v.inspectors) {
			unit, specs = UnitHealth, v.specs[i] // the bureau and its township stations
		}
		status := statusOnDuty
		if in.status != "active" {
			status = statusMovedAway
		}
		rows[i] = []string{in.id, in.name, v.phones[i], unit, region, regionCode(in.home),
			strings.Join(specs, ";"), in.expires, in.capacity, status}
	}
	return writeCSV([]string{"id", "name", "phone", "unit", "region", "home_region", "specialties",
		"credential_expires", "capacity", "status"}, rows)
}

var conflictReasonsZh = map[string]string{
	"kinship":         "近亲属经营",
	"interest":        "存在利害关系",
	"former-employer": "曾在该单位任职",
}

func (v *genV2) conflictsCSV() []byte {
	rows := make([][]string, len(v.conflicts))
	for i, c := range v.conflicts {
		rows[i] = []string{v.inspectors[c.inspector].id, v.premises[c.premises].id, conflictReasonsZh[c.reason]}
	}
	return writeCSV([]string{"inspector", "premises", "reason"}, rows)
}

// historyCSV writes the history with a kind per row (mostly random
// draws, some targeted, complaint and campaign inspections) and the
// matters inspected (the premises' first matter; none for a complaint
// visit, which looks at what the complaint was about).
func (v *genV2) historyCSV() []byte {
	kinds := []string{"random", "random", "random", "random", "random", "random", "random",
		"targeted", "complaint", "campaign"}
	rows := make([][]string, len(v.history))
	for i, h := range v.history {
		ins := []string{v.inspectors[h.inspectors[0]].id, v.inspectors[h.inspectors[1]].id}
		slices.Sort(ins)
		kind := kinds[v.r2.IntN(len(kinds))]
		matters := ""
		if kind != "complaint" {
			matters, _, _ = strings.Cut(v.matterOf[h.premises], ";")
		}
		serial := i + 1
		if v.historyIDs != nil {
			serial = v.historyIDs[i]
		}
		rows[i] = []string{fmt.Sprintf("JC%07d", serial), v.premises[h.premises].id, h.date.String(),
			kind, matters, strings.Join(ins, ";")}
	}
	return writeCSV([]string{"id", "premises", "date", "kind", "matters", "inspectors"}, rows)
}

// The v2 plan's JSON shape (protocol v2 §2), in the field order it is
// written. Maps are written by encoding/json in key order.
type (
	planV2JSON struct {
		Protocol        string              `json:"protocol"`
		ID              string              `json:"id"`
		Name            string              `json:"name"`
		Authority       string              `json:"authority"`
		Date            string              `json:"date"`
		Active          []string            `json:"active"`
		Inactive        []string            `json:"inactive"`
		Private         map[string][]string `json:"private"`
		Scope           scopeV2JSON         `json:"scope"`
		Cooldown        []cooldownV2JSON    `json:"cooldown"`
		Coverage        coverageV2JSON      `json:"coverage"`
		Tasks           []taskV2JSON        `json:"tasks"`
		Targeted        []targetV2JSON      `json:"targeted"`
		Teams           teamsV2JSON         `json:"teams"`
		Conflicts       conflictsJSON       `json:"conflicts"`
		DefaultCapacity int                 `json:"default_capacity"`
		Notes           map[string]string   `json:"notes"`
	}
	scopeV2JSON struct {
		Include map[string][]string `json:"include"`
	}
	cooldownV2JSON struct {
		Days  int      `json:"days"`
		Max   int      `json:"max"`
		Kinds []string `json:"kinds"`
	}
	coverageV2JSON struct {
		Days      int      `json:"days"`
		Kinds     []string `json:"kinds"`
		DrawsLeft int      `json:"draws_left,omitempty"`
	}
	taskV2JSON struct {
		ID     string              `json:"id"`
		Name   string              `json:"name"`
		Matter string              `json:"matter,omitempty"`
		Match  map[string][]string `json:"match"`
		Ratio  string              `json:"ratio"`
		Min    int                 `json:"min,omitempty"`
		Spread []string            `json:"spread,omitempty"`
		Weight *weightV2JSON       `json:"weight,omitempty"`
		Team   *teamV2JSON         `json:"team,omitempty"`
	}
	weightV2JSON struct {
		Attribute string         `json:"attribute"`
		Values    map[string]int `json:"values"`
	}
	teamV2JSON struct {
		Size       int          `json:"size,omitempty"`
		Slots      []slotV2JSON `json:"slots"`
		MaxPerUnit int          `json:"max_per_unit,omitempty"`
	}
	slotV2JSON struct {
		Unit      string              `json:"unit,omitempty"`
		Specialty string              `json:"specialty,omitempty"`
		Match     map[string][]string `json:"match,omitempty"`
	}
	targetV2JSON struct {
		ID     string   `json:"id"`
		Tasks  []string `json:"tasks,omitempty"`
		Reason string   `json:"reason"`
	}
	teamsV2JSON struct {
		Size         int `json:"size"`
		RegionPrefix int `json:"region_prefix"`
		MaxPerUnit   int `json:"max_per_unit"`
	}
)

func (v *genV2) plan() ([]byte, error) {
	target, err := v.targeted()
	if err != nil {
		return nil, err
	}
	cat := func(c ...string) map[string][]string { return map[string][]string{"category": c} }
	health := func(spec string) slotV2JSON { return slotV2JSON{Unit: UnitHealth, Specialty: spec} }
	market := slotV2JSON{Unit: UnitMarket, Match: map[string][]string{"subcategory": {"文化娱乐场所"}}}
	insurance := slotV2JSON{Unit: UnitInsurance, Match: map[string][]string{"insured": {"yes"}}}
	p := planV2JSON{
		Protocol:  "doublerandom/v2",
		ID:        "2026-" + CountyCode + "-wsjk-1",
		Name:      "澄溪县卫生健康局2026年度双随机抽查（第一批）",
		Authority: CountyName + "卫生健康局",
		Date:      PlanDate,
		Active:    []string{statusActive, statusOnDuty},
		Inactive:  []string{statusCancelled, "吊销", "撤销", "迁出", statusSuspended, "歇业", statusMovedAway},
		Private: map[string][]string{
			"conflicts":  {"reason"},
			"inspectors": {"name", "phone"},
			"premises":   {"legal_representative"},
		},
		Scope: scopeV2JSON{Include: cat(catSchool, catDrinkingWater, catPublicPlace, catMedical,
			catOccupational, catRadiation)},
		Cooldown: []cooldownV2JSON{{Days: 365, Max: 2, Kinds: []string{"random", "targeted"}}},
		Coverage: coverageV2JSON{Days: 1095, Kinds: []string{"random", "targeted", "campaign"}},
		Tasks: []taskV2JSON{
			{ID: "school", Name: "学校卫生", Match: cat(catSchool), Ratio: "10%", Min: 2,
				Team: &teamV2JSON{Slots: []slotV2JSON{health(specSchoolHealth)}}},
			{ID: "water", Name: "生活饮用水卫生（与水利局联合）", Match: map[string][]string{"matters": {"water"}},
				Ratio: "15%", Spread: []string{"town"},
				Team: &teamV2JSON{Size: 3, Slots: []slotV2JSON{health(specDrinkingWater), {Unit: UnitWater}}, MaxPerUnit: 2}},
			{ID: "radiation", Name: "放射卫生", Match: map[string][]string{"matters": {"radiation"}}, Ratio: "20%",
				Team: &teamV2JSON{Slots: []slotV2JSON{health(specRadiation)}}},
			{ID: "public-place", Name: "公共场所卫生", Match: map[string][]string{"category": {catPublicPlace}, "risk": {"A", "B", "C"}},
				Ratio: "2%", Weight: &weightV2JSON{Attribute: "risk", Values: map[string]int{"A": 1, "B": 2, "C": 4}},
				Team: &teamV2JSON{Slots: []slotV2JSON{health(specPublicHealth), market}}},
			{ID: "public-place-d", Name: "公共场所卫生（D类）", Matter: "public-place",
				Match: map[string][]string{"category": {catPublicPlace}, "risk": {"D"}}, Ratio: "30%",
				Team: &teamV2JSON{Slots: []slotV2JSON{health(specPublicHealth), market}}},
			{ID: "infection-hospital", Name: "传染病防治（医院、卫生院）", Matter: "infection",
				Match: map[string][]string{"matters": {"infection"}, "subcategory": {"医院", "卫生院"}}, Ratio: "30%",
				Team: &teamV2JSON{Slots: []slotV2JSON{health(specMedical), {Unit: UnitCDC, Specialty: "infection"}, insurance}}},
			{ID: "infection-clinic", Name: "传染病防治（诊所、卫生室）", Matter: "infection",
				Match: map[string][]string{"matters": {"infection"}, "subcategory": {"诊所", "卫生室"}}, Ratio: "2%", Min: 2,
				Team: &teamV2JSON{Slots: []slotV2JSON{health(specMedical), insurance}}},
			{ID: "occupational", Name: "职业卫生", Match: map[string][]string{"matters": {"occupational"}}, Ratio: "3%", Min: 1,
				Team: &teamV2JSON{Slots: []slotV2JSON{health(specOccupational)}}},
		},
		Targeted:        []targetV2JSON{{ID: target, Reason: "投诉举报 2026-113"}},
		Teams:           teamsV2JSON{Size: 2, RegionPrefix: 6, MaxPerUnit: 0},
		Conflicts:       conflictsJSON{Declared: true, RotationDays: 365, HomeRegion: false},
		DefaultCapacity: 8,
		Notes:           map[string]string{"basis": "示例：依据年度抽查工作计划（虚构县）"},
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
