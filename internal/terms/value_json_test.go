package terms

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestValueMarshalJSON(t *testing.T) {
	tests := []struct {
		name  string
		value Value
		want  string
	}{
		{"scalar", Scalar("opt-out"), `"opt-out"`},
		{"set", SetOf("sso", "soc2-type2"), `["soc2-type2","sso"]`},
		{"empty set", SetOf(), `[]`},
		{"unknown", UnknownValue("clause gone"), `"unknown"`},
		{"zero", Value{}, `null`},
		{"days are numbers", MapOf(map[string]string{"default": "30", "training-opt-in": "1825", "zdr": "0"}),
			`{"default":30,"training-opt-in":1825,"zdr":0}`},
		{"words are strings", MapOf(map[string]string{"default": "30", "files": "until-deleted",
			"feedback": "configurable", "batch": "none", "after-deletion": "account-lifetime"}),
			`{"after-deletion":"account-lifetime","batch":"none","default":30,"feedback":"configurable","files":"until-deleted"}`},
		// Periods ValidateValue rejects are never numbers: they are written
		// as they are, so that they read back as they were.
		{"invalid periods stay strings", MapOf(map[string]string{"default": "030", "batch": "30.5",
			"files": "-1", "feedback": "30 days", "zdr": ""}),
			`{"batch":"30.5","default":"030","feedback":"30 days","files":"-1","zdr":""}`},
		{"empty map", MapOf(map[string]string{}), `{}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("Marshal(%s) = %s, want %s", tt.value, b, tt.want)
			}
			var back Value
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			want := tt.value
			if want.Unknown {
				want = Value{Unknown: true} // the reason is not part of the JSON form
			}
			if !back.Equal(want) || back.Reason != want.Reason {
				t.Errorf("round trip of %s read %#v, want %#v", b, back, want)
			}
		})
	}
}

// A set with denied items is an array of its confirmed items in every
// JSON output (the change-event contract), and keeps its denials in the
// stored form.
func TestValueDeniedItemsJSON(t *testing.T) {
	for _, c := range []struct {
		value          Value
		public, stored string
	}{
		{DenySet([]string{"sso"}, []string{"scim", "iso42001"}), `["sso"]`, `{"confirmed":["sso"],"denied":["iso42001","scim"]}`},
		{DenySet(nil, []string{"iso42001"}), `[]`, `{"confirmed":[],"denied":["iso42001"]}`},
		{SetOf("sso"), `["sso"]`, `["sso"]`},
	} {
		pub, err := json.Marshal(c.value)
		if err != nil || string(pub) != c.public {
			t.Errorf("Marshal(%s) = %s (%v), want %s", c.value, pub, err, c.public)
		}
		st, err := c.value.StoredJSON()
		if err != nil || string(st) != c.stored {
			t.Errorf("StoredJSON(%s) = %s (%v), want %s", c.value, st, err, c.stored)
		}
		var back Value
		if err := json.Unmarshal(st, &back); err != nil || !back.Equal(c.value) {
			t.Errorf("stored %s read back as %#v (%v), want %#v", st, back, err, c.value)
		}
	}
}

func TestValueUnmarshalJSONPeriods(t *testing.T) {
	want := MapOf(map[string]string{"default": "30", "files": "until-deleted", "zdr": "0"})
	for _, in := range []string{
		`{"default": 30, "files": "until-deleted", "zdr": 0}`,            // this version
		`{"default":"30","files":"until-deleted","zdr":"0"}`,             // earlier versions (stored rows)
		`{"default": "30", "files": "until-deleted", "zdr": 0}`,          // mixed
		"{\n  \"default\" :\t30 ,\"files\":\"until-deleted\",\"zdr\":0}", // whitespace
	} {
		var v Value
		if err := json.Unmarshal([]byte(in), &v); err != nil {
			t.Errorf("Unmarshal(%s): %v", in, err)
			continue
		}
		if !v.Equal(want) {
			t.Errorf("Unmarshal(%s) = %q, want %q", in, v, want)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := `{"default":30,"files":"until-deleted","zdr":0}`; string(b) != got {
			t.Errorf("Marshal(Unmarshal(%s)) = %s, want %s", in, b, got)
		}
	}

	for _, in := range []string{
		`{"default": 30.5}`,
		`{"default": 30.0}`,
		`{"default": 3e1}`,
		`{"default": -1}`,
		`{"default": 99999999999999999999}`,
		`{"default": true}`,
		`{"default": null}`,
		`{"default": {"days": 30}}`,
		`{"default": [30]}`,
	} {
		var v Value
		if err := json.Unmarshal([]byte(in), &v); err == nil {
			t.Errorf("Unmarshal(%s) = %q, want an error", in, v)
		} else if !strings.Contains(err.Error(), `"default"`) {
			t.Errorf("Unmarshal(%s): error %q does not name the scope", in, err)
		}
	}
	var v Value
	if err := json.Unmarshal([]byte(`{"default": 30`), &v); err == nil {
		t.Errorf("Unmarshal of a truncated map = %q, want an error", v)
	}
}

// An event as the store keeps it and as `changes --format json` prints it:
// retention periods in days are numbers on the way out, and the event reads
// back the same whether its periods were written as numbers or as strings.
func TestEventJSONRetentionPeriods(t *testing.T) {
	old := MapOf(map[string]string{"default": "30", "files": "until-deleted"})
	new := MapOf(map[string]string{"default": "60", "files": "until-deleted"})
	e := Event{ID: "c-000001", Kind: ValueChanged, Severity: Critical, Vendor: "acme", Tier: "api",
		Attribute: "retention", Old: &old, New: &new, Source: "acme-terms"}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"old":{"default":30,"files":"until-deleted"}`, `"new":{"default":60,"files":"until-deleted"}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("event JSON %s lacks %s", b, want)
		}
	}
	legacy := strings.NewReplacer(`"default":30`, `"default":"30"`, `"default":60`, `"default":"60"`).Replace(string(b))
	for _, in := range []string{string(b), legacy} {
		var back Event
		if err := json.Unmarshal([]byte(in), &back); err != nil {
			t.Fatalf("Unmarshal(%s): %v", in, err)
		}
		if back.Old == nil || back.New == nil || !back.Old.Equal(old) || !back.New.Equal(new) {
			t.Errorf("Unmarshal(%s): old %v new %v, want %v and %v", in, back.Old, back.New, old, new)
		}
	}
}
