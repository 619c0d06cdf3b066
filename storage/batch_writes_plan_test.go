package storage

import (
	"strings"
	"testing"
)

// A batch's heads and arrivals are written with one UPDATE each whose rows come from a JSON
// list: SQLite must loop over the list and find each row by its primary key, never scan
// the incidents or the groups (there are as many as there ever were).
func TestWriteHeadsPlan(t *testing.T) {
	sqliteOnly(t, "SQLite's query plan")
	db := openTest(t)
	plan := queryPlan(t, db, writeHeadsQuery(false), `[[1,2,"ab"],[3,4,"cd"]]`)
	if !strings.Contains(plan, "SEARCH incidents USING INTEGER PRIMARY KEY (rowid=?)") || strings.Contains(plan, "SCAN incidents") {
		t.Fatalf("plan %q: want each incident found by its number", plan)
	}
}

func TestSaveArrivalsPlan(t *testing.T) {
	sqliteOnly(t, "SQLite's query plan")
	db := openTest(t)
	plan := queryPlan(t, db, saveArrivalsQuery(false), `[[1,"t",2,"firing",""],[3,"t",4,"firing",""]]`)
	if !strings.Contains(plan, "SEARCH alert_groups USING INTEGER PRIMARY KEY (rowid=?)") || strings.Contains(plan, "SCAN alert_groups") {
		t.Fatalf("plan %q: want each group found by its id", plan)
	}
}
