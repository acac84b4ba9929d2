package publish

import (
	"github.com/doublerandom/doublerandom/roster"

	"embed"
	"sync"
)

// Schedule is one State Council notice of public holidays and adjusted
// working days (国务院办公厅关于…年部分节假日安排的通知) built into
// [Official].
type Schedule struct {
	Year   int
	Title  string // the notice's title
	Number string // its document number (文号)
	Issued Date   // the day it was issued
	File   string // the embedded calendar file, in the format of [ParseCalendar]
}

// OfficialSchedules lists the notices built into [Official], by year.
//
// The 2027 notice is not built in: it was not available when this list was
// last updated. Deadlines that reach into a year not listed are an error
// ([ErrOutOfRange]) until that year's schedule is loaded from a file
// ([LoadCalendar]) and joined with [HolidayCalendar.With].
func OfficialSchedules() []Schedule {
	return []Schedule{
		{2025, "国务院办公厅关于2025年部分节假日安排的通知", "国办发明电〔2024〕12号", mustDate("2024-11-12"), "calendars/cn-2025.csv"},
		{2026, "国务院办公厅关于2026年部分节假日安排的通知", "国办发明电〔2025〕7号", mustDate("2025-11-04"), "calendars/cn-2026.csv"},
	}
}

func mustDate(s string) Date {
	d, err := roster.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

//go:embed calendars/*.csv
var officialFiles embed.FS

var official = sync.OnceValue(func() *HolidayCalendar {
	var c *HolidayCalendar
	for _, s := range OfficialSchedules() {
		data, err := officialFiles.ReadFile(s.File)
		if err != nil {
			panic(err) // embedded: checked by test
		}
		y, err := ParseCalendar(s.File, data)
		if err != nil {
			panic(err) // embedded: checked by test
		}
		if c == nil {
			c = y
		} else {
			c = c.With(y)
		}
	}
	return c
})

// Official returns the working-day calendar of the State Council's
// published schedules ([OfficialSchedules]: 2025 and 2026). It is the
// default calendar of results deadlines ([Options].Calendar). The
// calendar returned is shared: do not modify it (its methods do not).
// To add a year: Official().With(cal), cal from [LoadCalendar].
func Official() *HolidayCalendar { return official() }
