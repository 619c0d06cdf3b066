package main

// turnA says whether phase i of a two-sided comparison is side A's: A-B-B-A, and again, so
// each side runs as often first as second, as often right after the other side as right
// after itself, and both see the same drift of load. Run one after the other, a change of
// load between the two (other work on the shared machine) moved the 📌 ratio 0.13–0.68×
// and the alerts ratio 0.39–0.57× within minutes (pins.go, alerts.go).
func turnA(i int) bool { return i%4 == 0 || i%4 == 3 }
