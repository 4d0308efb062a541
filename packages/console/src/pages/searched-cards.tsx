import { type ReactNode, useState } from 'react';
import { get, page, query } from '../api';
import { Pager, useDebounced, useLoad, usePaging } from '../ui';

/**
 * A list the server searches and pages (`?q=&<pageParameter>=20&pageToken=`): what is typed, the page shown, and
 * the loaded page. Typing starts again at the first page.
 */
export function useServerSearch<T>(base: string, pageParameter: 'count' | 'limit') {
  const [search, setSearch] = useState('');
  const q = useDebounced(search.trim());
  const paging = usePaging();
  const list = useLoad(
    async () => page<T>(await get(`${base}${query({ q, [pageParameter]: 20, pageToken: paging.pageToken })}`)),
    `${q}|${paging.pageToken ?? ''}`,
  );
  return {
    search,
    setSearch(value: string) {
      setSearch(value);
      paging.reset();
    },
    paging,
    list,
  };
}

export type ServerSearch<T> = ReturnType<typeof useServerSearch<T>>;

/** The search box, one card per item of the page, and the pager of a {@link useServerSearch} list. */
export function SearchedCards<T>({
  searched,
  id,
  label,
  itemKey,
  children,
}: {
  searched: ServerSearch<T>;
  /** Prefix of the search box's element id. */
  id: string;
  /** Plural noun of the items, e.g. `Groups`. */
  label: string;
  itemKey: (item: T) => string;
  /** The content of one card. */
  children: (item: T) => ReactNode;
}) {
  const { list } = searched;
  return (
    <>
      <div className="field search">
        <label htmlFor={`${id}-search`}>Search {label.toLowerCase()}</label>
        <input
          id={`${id}-search`}
          type="search"
          value={searched.search}
          onChange={(event) => searched.setSearch(event.target.value)}
        />
      </div>
      {list.error ? <p role="alert">{list.error}</p> : null}
      <ul className="cards" aria-busy={list.loading}>
        {list.data?.items.map((item) => (
          <li key={itemKey(item)} className="card">
            {children(item)}
          </li>
        ))}
      </ul>
      <Pager paging={searched.paging} nextToken={list.data?.pageToken} label={label} />
    </>
  );
}
