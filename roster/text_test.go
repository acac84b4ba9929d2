package roster

import (
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestDecodeText(t *testing.T) {
	text := "premises,outcome\n91371727HD841G735N,发现问题经责令已改正\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	require.NoError(t, err)
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text + "𠀀\n")
	require.NoError(t, err)
	for _, c := range []struct {
		data string
		enc  Encoding
		want string
		used Encoding
	}{
		{text, EncodingAuto, text, EncodingUTF8},
		{"\ufeff" + text, EncodingAuto, text, EncodingUTF8},
		{gbk, EncodingAuto, text, EncodingGBK},
		{gbk, EncodingGBK, text, EncodingGBK},
		{gb, EncodingAuto, text + "𠀀\n", EncodingGBK},
	} {
		got, used, err := DecodeText("r.csv", []byte(c.data), c.enc)
		require.NoError(t, err)
		require.Equal(t, c.want, got)
		require.Equal(t, c.used, used)
	}
	_, _, err = DecodeText("r.csv", []byte("a\nb\xff\n"), EncodingUTF8)
	require.ErrorIs(t, err, ErrEncoding)
	require.ErrorContains(t, err, "r.csv:2")
	_, _, err = DecodeText("r.csv", []byte("a\n\x81\x20\n"), EncodingGBK)
	require.ErrorIs(t, err, ErrEncoding)
	require.ErrorContains(t, err, "r.csv:2")
}
