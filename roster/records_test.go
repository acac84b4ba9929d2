package roster

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRecords(t *testing.T) {
	exp := MustParseDate("2027-06-30")
	capacity := 0
	ins, err := NewTable(KindInspectors, []Row{
		InspectorRecord{ID: "I1", Name: "张三", Unit: "county-bureau", Region: "371727", HomeRegion: "371727002",
			Specialties: []string{"radiation", "medical", "radiation"}, CredentialExpires: &exp, Capacity: &capacity,
			Status: "active", Extra: map[string]string{"phone": "123"}}.Row(),
		InspectorRecord{ID: "I2"}.Row(),
	}, Options{})
	require.NoError(t, err)
	i := Inspector{ins.At(0)}
	require.Equal(t, []string{"medical", "radiation"}, i.Specialties())
	require.True(t, i.HasSpecialty("medical"))
	require.False(t, i.HasSpecialty("school"))
	d, ok := i.CredentialExpires()
	require.True(t, ok)
	require.Equal(t, exp, d)
	n, ok := i.Capacity()
	require.True(t, ok)
	require.Equal(t, 0, n)
	require.Equal(t, "张三", i.Name())
	require.Equal(t, "371727002", i.HomeRegion())
	require.Equal(t, "123", i.Get("phone"))
	_, ok = Inspector{ins.At(1)}.Capacity()
	require.False(t, ok)
	_, ok = Inspector{ins.At(1)}.CredentialExpires()
	require.False(t, ok)
	require.Empty(t, ins.At(1).Attrs)

	pre, err := NewTable(KindPremises, []Row{
		PremisesRecord{ID: goodUSCC, Name: "华盛盛宾馆", Region: "371727002", Category: "public_place", Risk: "B", Status: "active"}.Row(),
		PremisesRecord{ID: "P2", Status: "closed"}.Row(),
	}, Options{Strict: true})
	require.NoError(t, err)
	p := Premises{pre.At(0)}
	require.Equal(t, goodUSCC, p.ID)
	require.True(t, p.Active())
	require.Equal(t, "public_place", p.Category())
	require.False(t, Premises{pre.At(1)}.Active())

	con, err := NewTable(KindConflicts, []Row{ConflictRecord{Inspector: "I1", Premises: "P2", Reason: "kinship"}.Row()}, Options{})
	require.NoError(t, err)
	require.Equal(t, "I1 P2", con.At(0).ID)

	his, err := NewTable(KindHistory, []Row{InspectionRecord{ID: "H1", Premises: "P2", Date: MustParseDate("2026-03-04"), Inspectors: []string{"I2", "I1"}}.Row()}, Options{})
	require.NoError(t, err)
	h := Inspection{his.At(0)}
	require.Equal(t, []string{"I1", "I2"}, h.Inspectors())
	hd, ok := h.Date()
	require.True(t, ok)
	require.Equal(t, "2026-03-04", hd.String())

	_, err = NewSet(pre, ins, con, his)
	require.NoError(t, err)

	// An Extra entry that repeats a field is rejected, not resolved.
	_, err = NewTable(KindPremises, []Row{PremisesRecord{ID: "P1", Region: "1", Extra: map[string]string{"region": "2"}}.Row()}, Options{})
	require.ErrorIs(t, err, ErrBadName)
	_, err = NewTable(KindPremises, []Row{PremisesRecord{ID: "P1", Extra: map[string]string{"id": "P2"}}.Row()}, Options{})
	require.ErrorIs(t, err, ErrBadName)
}

func TestNewRowErrorIsDeterministic(t *testing.T) {
	attrs := map[string]string{"a": "x\x01", "b": "y\x01", "c": "z\x01", "d": "\x02"}
	for range 20 {
		_, err := NewRow("P1", attrs)
		var re *RowError
		require.ErrorAs(t, err, &re)
		require.Equal(t, "a", re.Field)
	}
}

func TestUSCC(t *testing.T) {
	// Good codes from the vectors: every 18-character premises id of the
	// counties and the primitive vectors' first row.
	good := []string{"91350100M000100Y43", goodUSCC}
	for _, name := range counties {
		for _, r := range loadCounty(t, name).Premises.Rows() {
			if len(r.ID) == 18 {
				good = append(good, r.ID)
			}
		}
	}
	require.Greater(t, len(good), 50)
	for _, code := range good {
		require.NoError(t, CheckUSCC(code), code)
		c, err := USCCCheckChar(code[:17])
		require.NoError(t, err)
		require.Equal(t, code[17], c)
	}
	for _, bad := range []string{badUSCC, "9137172702824CJ1C", "9137172702824CJ1C66", "9137172702824CJ1CI", "913717270282OCJ1C6", "9137172702824cj1c6"} {
		require.ErrorIs(t, CheckUSCC(bad), ErrCreditCode, bad)
	}
	// The check value 31 maps to '0'.
	c, err := USCCCheckChar("00000000000000000")
	require.NoError(t, err)
	require.Equal(t, byte('0'), c)
}
