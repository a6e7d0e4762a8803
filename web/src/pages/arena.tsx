export function ArenaPage() {
  return <h1>Arena</h1>;
}
