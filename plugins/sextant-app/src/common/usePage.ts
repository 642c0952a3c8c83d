import { useEffect, useState } from 'react';

/** One page of a list, with the page reset when the list changes length (a filter changed). */
export function usePage<T>(items: T[], pageSize: number) {
  const [page, setPage] = useState(1);
  const pages = Math.max(1, Math.ceil(items.length / pageSize));
  useEffect(() => setPage(1), [items.length]);
  const current = Math.min(page, pages);
  return {
    page: current,
    pages,
    setPage,
    items: items.slice((current - 1) * pageSize, current * pageSize),
  };
}
