-- Shared by the headless Neovim scripts: the test's config in, a JSON result out, bounded waits.
-- A script returns a function(h) that fills h.result; any error ends the run with it recorded.
local H = { result = {} }
H.config = vim.json.decode(table.concat(vim.fn.readfile(vim.env.LIVEPAIR_NVIM_TEST), '\n'))

--- Wait until cond() is truthy (Neovim keeps handling LSP messages meanwhile), or fail saying what was awaited.
function H.wait(what, ms, cond)
  local value
  local ok = vim.wait(ms, function()
    value = cond()
    return value
  end, 20)
  if not ok then
    error('timed out after ' .. ms .. ' ms waiting for ' .. what, 0)
  end
  return value
end

--- The plugin under test loaded as Neovim loads it at start-up; filetype detection on unless `filetype` is false.
function H.load_plugin(filetype)
  vim.opt.rtp:prepend(H.config.plugin_dir)
  vim.cmd('runtime plugin/livepair.lua')
  if filetype ~= false then
    vim.cmd('filetype on')
  end
end

--- Open `name` (a file of the test's workspace) in the current window.
function H.edit(name)
  vim.cmd('edit ' .. vim.fn.fnameescape(H.config.root .. '/' .. name))
end

--- Wait until the daemon has answered initialize for the current buffer.
function H.wait_daemon()
  H.wait('the daemon', 20000, function()
    local client = require('livepair').client(0)
    return client and client.initialized
  end)
end

--- The plugin set up with the test's daemon and settings, its statusline shown and `name` open; returns the
--- statusline once the session autoStart began is listening (`what` names it for a timeout).
function H.open_listening(name, what)
  require('livepair').setup({ cmd = H.config.cmd, settings = H.config.settings })
  vim.o.statusline = "%{v:lua.require'livepair'.statusline()}"
  H.edit(name)
  return H.wait(what, 20000, function()
    local text = vim.api.nvim_eval_statusline(vim.o.statusline, {}).str
    return text:find('listening', 1, true) and text
  end)
end

--- The lines of the transcript buffer (livepair://transcript) as the user reads them; {} before it exists.
function H.transcript()
  local buf = vim.fn.bufnr('livepair://transcript')
  return buf ~= -1 and vim.api.nvim_buf_get_lines(buf, 0, -1, false) or {}
end

--- Apply the quick fix offered on a line (0-based) of the current buffer: the one code action with an edit, so it
--- applies without a menu.
function H.apply_fix(lnum)
  vim.api.nvim_win_set_cursor(0, { lnum + 1, 10 })
  vim.lsp.buf.code_action({
    apply = true,
    filter = function(action)
      return action.edit ~= nil
    end,
  })
end

--- The text of the first floating window (a hover), or nil.
function H.float_text()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      return table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), '\n')
    end
  end
  return nil
end

--- Close floating windows (a hover) so the next one is seen fresh.
function H.close_floats()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      vim.api.nvim_win_close(win, true)
    end
  end
end

function H.diagnostics(source)
  return vim.tbl_filter(function(d)
    return d.source == source
  end, vim.diagnostic.get(0))
end

--- The LivePair hint on a line (0-based) of the current buffer, or nil.
function H.hint(lnum)
  for _, d in ipairs(H.diagnostics('LivePair')) do
    if d.lnum == lnum then
      return d
    end
  end
  return nil
end

--- Hints on each of `lines` (0-based), as { [lnum] = message } once every one of them has one; else nil.
function H.hints_on(lines)
  local found = {}
  for _, lnum in ipairs(lines) do
    local d = H.hint(lnum)
    if not d then
      return nil
    end
    found[tostring(lnum)] = d.message
  end
  return found
end

--- The plugin's approval prompt on screen, or nil: { win, text, title, footer } as the user sees them.
function H.approval_prompt()
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local config = vim.api.nvim_win_get_config(win)
    local title = type(config.title) == 'table' and config.title[1][1] or config.title
    if config.relative ~= '' and title and title:find('LivePair approval', 1, true) then
      local footer = table.concat(vim.tbl_map(function(chunk)
        return chunk[1]
      end, config.footer or {}))
      local buf = vim.api.nvim_win_get_buf(win)
      local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
      local focused = win == vim.api.nvim_get_current_win()
      return { win = win, buf = buf, text = text, title = title, footer = footer, focused = focused }
    end
  end
  return nil
end

--- Wait for the approval prompt, then for Allow to be armed (it ignores keys for a moment after it appears).
function H.wait_approval_prompt(ms)
  local shown = H.wait('the approval prompt', ms, H.approval_prompt)
  H.wait('Allow to be armed', 5000, function()
    local now = H.approval_prompt()
    return now and now.footer:find('a: Allow', 1, true)
  end)
  return shown
end

--- Type keys as the user would, with the plugin's mappings applied.
function H.type(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'mx', false)
end

--- Record what vim.ui.select was asked (prompt and items) and answer with `choice`.
function H.answer_selects(choice)
  H.result.selects = {}
  vim.ui.select = function(items, opts, on_choice)
    local titles = vim.tbl_map(function(item)
      return type(item) == 'table' and item.title or item
    end, items)
    table.insert(H.result.selects, { prompt = opts.prompt, items = titles })
    for i, title in ipairs(titles) do
      if title == choice then
        return on_choice(items[i], i)
      end
    end
    on_choice(nil, nil)
  end
end

function H.run(script)
  local ok, err = xpcall(script, debug.traceback, H)
  if not ok then
    H.result.error = err
  end
  vim.fn.writefile({ vim.json.encode(H.result) }, H.config.result)
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop(true)
  end
  vim.cmd('qa!')
end

return H
