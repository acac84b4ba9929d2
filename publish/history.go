package publish

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// HistoryRow is one row of the history table of the next batch, written
// from a ledger ([HistoryRows]).
type HistoryRow struct {
	// ID is "H" and the first 16 hex digits of the draw's digest, "-",
	// and the premises id: unique over ledgers, stable over runs.
	ID       string
	Premises string
	// Date is the day of the inspection from the results, else the day
	// of the draw (in [Zone]).
	Date Date
	// Kind is "random" when the visit was drawn for at least one task at
	// random or as overdue, else "targeted" (a v1 draw: its mark,
	// overdue counting as random).
	Kind string
	// Matters are the matters of the visit's tasks (sorted, each once);
	// empty for a v1 draw, which covers every matter.
	Matters []string
	// Inspectors are those who went, from the results; empty until the
	// results are published.
	Inspectors []string
	// Inspected is true when a results entry gave the date and the
	// inspectors.
	Inspected bool
}

// HistoryRows returns the rows a ledger adds to the history table of the
// next batch (so that quarterly batches of a yearly plan chain without
// hand work): for each draw no redraw voided, in ledger order, one row
// per selected premises (a v2 visit, a v1 selection): kind, the draw's
// day and the visit's matters; then its results entry, when there is
// one, replaces the date by the day inspected and fills in the
// inspectors who went. A visit left without a team (unstaffed by the
// draw or by a substitution) that has no results entry gets no row:
// nothing happened to the business. Rows are in ledger order, then view
// order (ascending premises id).
func HistoryRows(r *Record) []HistoryRow {
	var out []HistoryRow
	for _, d := range r.LiveDraws() {
		ann := r.byDigest[d.Draw.Announcement]
		day := LocalDate(d.Draw.DrawnAt.Time)
		prefix := "H" + d.Digest.String()[:16] + "-"
		add := func(id, kind string, matters []string, staffed bool) {
			row := HistoryRow{ID: prefix + id, Premises: id, Date: day, Kind: kind, Matters: matters}
			if x, _ := r.Result(d.Digest, id); x != nil {
				row.Date, row.Inspected = x.Inspected, true
				row.Inspectors = slices.Clone(x.Inspectors)
				slices.Sort(row.Inspectors)
			} else if !staffed {
				return
			}
			out = append(out, row)
		}
		if v := d.Draw.ViewV2; v != nil {
			plan := ann.planV2
			for _, vis := range v.Visits {
				kind := "targeted"
				var matters []string
				for _, t := range vis.Tasks {
					if t.Mark != random.MarkTargeted {
						kind = "random"
					}
					if ti := plan.TaskIndex(t.Task); ti >= 0 {
						matters = append(matters, plan.Tasks[ti].Matter)
					}
				}
				slices.Sort(matters)
				staffed := vis.Team != nil && len(r.Team(d.Digest, vis.ID)) > 0
				add(vis.ID, kind, slices.Compact(matters), staffed)
			}
			continue
		}
		for _, s := range d.Draw.View.Selected {
			kind := "random"
			if s.Mark == random.MarkTargeted {
				kind = "targeted"
			}
			add(s.ID, kind, nil, len(r.Team(d.Digest, s.ID)) > 0)
		}
	}
	return out
}

// Row returns the history row as a row of a v2 history table: id,
// premises, date, kind, matters and inspectors (the last two as lists
// joined with ";", absent when empty).
func (h HistoryRow) Row() roster.Row {
	attrs := []roster.Attr{{Name: roster.AttrDate, Value: h.Date.String()}}
	if len(h.Inspectors) > 0 {
		attrs = append(attrs, roster.Attr{Name: roster.AttrInspectors, Value: strings.Join(h.Inspectors, ";")})
	}
	attrs = append(attrs, roster.Attr{Name: roster.AttrKind, Value: h.Kind})
	if len(h.Matters) > 0 {
		attrs = append(attrs, roster.Attr{Name: roster.AttrMatters, Value: strings.Join(h.Matters, ";")})
	}
	attrs = append(attrs, roster.Attr{Name: roster.AttrPremises, Value: h.Premises})
	return roster.Row{ID: h.ID, Attrs: attrs}
}

// WriteHistory writes the history table of the next batch as canonical
// CSV ([roster.WriteCSV]): the rows of base (the current history table,
// nil for none) and the rows of the ledger that base does not hold yet
// (by id), so that writing it again after more results or draws gives
// the same rows with the newer facts. A base row whose id is a ledger
// row's id is replaced by the ledger's row. It returns how many rows
// came from the ledger.
func WriteHistory(w io.Writer, base *roster.Table, rows []HistoryRow) (int, error) {
	var all []roster.Row
	mine := map[string]bool{}
	for _, h := range rows {
		mine[h.ID] = true
		all = append(all, h.Row())
	}
	if base != nil {
		for _, row := range base.Rows() {
			if !mine[row.ID] {
				all = append(all, row)
			}
		}
	}
	t, err := roster.NewTable(roster.KindHistory, all, roster.Options{Protocol: roster.ProtocolV2})
	if err != nil {
		return 0, fmt.Errorf("publish: history: %w", err)
	}
	return len(rows), roster.WriteCSV(w, t)
}
