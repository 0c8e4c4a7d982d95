/** The reasons offered with a thumbs down; the API stores the words, so they are what a person reads. */
export const DOWN_REASONS = [
  { value: "", label: "No reason" },
  { value: "Not interested in this repository", label: "Not this repository" },
  { value: "Not the kind of work I want", label: "Not this kind of work" },
  { value: "Too hard for me right now", label: "Too hard" },
  { value: "Too easy for me", label: "Too easy" },
  { value: "Someone is already working on it", label: "Already taken" },
  { value: "Unclear or not a real task", label: "Unclear" },
] as const;
