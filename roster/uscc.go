package roster

import "fmt"

// The unified social credit code (统一社会信用代码, GB 32100-2015) is the
// 18-character identifier of a Chinese legal entity. Its last character is
// a check character over the first 17.
const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

func usccValue(c byte) int { return int(usccValues[c]) }

// usccValues maps a byte to its value in usccAlphabet, -1 when it is not
// in it.
var usccValues = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range len(usccAlphabet) {
		t[usccAlphabet[i]] = int8(i)
	}
	return t
}()

// USCCCheckChar returns the check character for the first 17 characters
// of a unified social credit code: 31 − (Σ value×weight mod 31), where 31
// stands for '0'.
func USCCCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("%w: %q has %d characters, want 17", ErrCreditCode, first17, len(first17))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := usccValue(first17[i])
		if v < 0 {
			return 0, fmt.Errorf("%w: %q has %q at position %d", ErrCreditCode, first17, first17[i], i+1)
		}
		sum += v * usccWeights[i]
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return usccAlphabet[c], nil
}

// CheckUSCC reports whether code is a well-formed unified social credit
// code: 18 characters from the GB 32100-2015 alphabet with a correct check
// character. The error says what is wrong.
func CheckUSCC(code string) error {
	if len(code) != 18 {
		return fmt.Errorf("%w: %q has %d characters, want 18", ErrCreditCode, code, len(code))
	}
	want, err := USCCCheckChar(code[:17])
	if err != nil {
		return err
	}
	if usccValue(code[17]) < 0 {
		return fmt.Errorf("%w: %q has %q at position 18", ErrCreditCode, code, code[17])
	}
	if code[17] != want {
		return fmt.Errorf("%w: %q has check character %q, want %q", ErrCreditCode, code, code[17], want)
	}
	return nil
}
