// What several areas share (ARCHITECTURE.md "kernel"): a new kind of case is numbered, moves
// through its states, keeps its history and its photos, and presents its vocabularies with these.
// The escalation engine lives beside them in escalation/.
export { defineVocabulary, type CodeOf, type Presented, type Vocabulary } from "./vocabulary";
export { defineStateMachine, type StateMachine, type StateMachineSpec } from "./stateMachine";
export { defineNumbering, numberingYear, sequenceDigits, type CaseNumbering, type CounterRow, type NumberingSpec } from "./numbering";
export { transitionCase, type CaseChange, type CaseKind, type CaseRow, type TransitionLine } from "./transition";
export { definePhotos, MAX_PHOTOS, type CasePhotos, type PhotoRow, type PhotoSpec } from "./photos";
export { readOrCreateKeyFile, type KeyFileKind } from "./keyFile";
