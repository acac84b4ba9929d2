//go:build !js

package roster

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFormatKind(t *testing.T) {
	tests := map[string]fmtKind{
		"General": fmtNumber, "0.00": fmtNumber, "0.00E+00": fmtNumber, `#,##0"元"`: fmtNumber, `[Red]0.00`: fmtNumber,
		`0.00_);[Red](0.00)`: fmtNumber, `"day"0`: fmtNumber, `\d0`: fmtNumber,
		"yyyy-mm-dd": fmtDate, `yyyy"年"m"月"d"日"`: fmtDate, "m/d/yy h:mm": fmtDate, `[$-804]yyyy"年"m"月"`: fmtDate, "d-mmm": fmtDate,
		"h:mm": fmtTime, "[h]:mm:ss": fmtTime, "mm:ss": fmtTime, "[mm]": fmtTime,
	}
	for code, want := range tests {
		require.Equal(t, want, formatKind(code), code)
	}
}
