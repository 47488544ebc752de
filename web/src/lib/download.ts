/** Save `blob` as `filename`: a temporary object URL clicked through a hidden link, then released. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // Some browsers read the URL after click() returns; release it once they have.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
