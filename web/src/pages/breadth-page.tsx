export default function Page() {
  return <p>breadth</p>;
}
