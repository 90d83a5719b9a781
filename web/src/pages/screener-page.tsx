export default function Page() {
  return <p>screener</p>;
}
