// Package roster holds the input tables of a draw — the premises roster
// (检查对象名录库), the inspector roster (执法检查人员名录库), declared
// conflicts of interest (回避) and past inspections — and computes their
// roots as protocol §1 defines them.
//
// Everything in a draw stands on the tables being exactly what was
// announced. So the package reads strictly and never repairs: a bad id,
// name or value, a control character, bytes that are not UTF-8 (or GBK),
// a repeated id, a row with too few or too many fields, a reference to an
// unknown inspector or premises, or a date that does not exist is an error
// that names the file, line, column, field and value ([RowError]); all
// errors of a file are collected, up to a limit ([ErrorList]). A unified
// social credit code with a wrong check character is only a warning
// unless Options.Strict is set, because real registers contain some.
//
// The main path:
//
//	set, err := roster.LoadDir("county-7", roster.Options{})
//	if err != nil { … } // every problem, with file:line:column
//	roots := set.Roots()  // the four roots the announcement publishes
//
// A [Row] is an id and its attributes; a [Table] is validated rows in id
// order ([NewTable], [ReadCSV], [ReadXLSX], [ReadJSONL]); a [Set] is the
// four tables with their references checked ([NewSet], [LoadDir]).
//
// Agency files are read as registers export them: CSV in UTF-8 (with or
// without BOM), GBK or GB18030 ([Encoding]); Excel workbooks (.xlsx,
// [ReadXLSX]); Chinese column headers mapped to the protocol's attribute
// names by a built-in table and a column-mapping file ([ColumnMap],
// [BuiltinColumns]); dates as 2026/11/25, 2026年11月25日 or Excel serial
// dates ([ParseInputDate]), stored as YYYY-MM-DD so that the roots are
// those of the canonical files. [Set.Report] says what was mapped and
// lists the warnings. The typed views
// [Premises], [Inspector], [Conflict] and [Inspection] read the attributes
// the protocol interprets (dates as [Date], capacity as int, specialties
// as a sorted list); the records [PremisesRecord], [InspectorRecord],
// [ConflictRecord] and [InspectionRecord] build rows from Go values.
//
// A table's root is the RFC 6962 Merkle tree hash over the leaf bytes of
// its rows in id order ([Row.Leaf], [Table.Root]), so it does not depend on
// the order of rows in a file. [Table.Prove] and [VerifyProof] let a
// business show that its row was in the announced roster. [WriteCSV] and
// [WriteJSONL] write a table in canonical form, byte-stable and sorted by
// id; for files too big for memory, [ScanCSV] and [ScanJSONL] yield rows
// one at a time and [StreamRoot] computes the root of a sorted file.
//
// Under draw protocol v2 (Options.Protocol = [ProtocolV2]) premises' and
// history's matters are list attributes too ([Kind.ListAttr]); a set
// ([NewSetV2]) allows conflict and history rows naming missing ids and
// counts them ([Set.UnknownReferences]); and private attributes are
// committed by a salted digest ([PrivateSalt], [PrivateDigest],
// [Row.AppendLeafV2], [Table.RootV2]) so that the published form of a
// table ([Table.PublishedV2], [Set.PublishedV2]) has the same roots and
// reveals none of them.
//
// The package does not draw (see package random) and does not read the
// plan; it interprets only the attributes listed with the Attr constants
// and carries the rest.
package roster
