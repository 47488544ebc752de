import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import { cancellable, type JobOut } from '@/api/jobs'
import JobsPanel from '@/components/monitor/JobsPanel.vue'

const job = (fields: Partial<JobOut> = {}): JobOut => ({
  job_id: 'sma_crossover-1',
  kind: 'backtest',
  status: 'done',
  progress: 1,
  error: null,
  argv: null,
  exit_code: null,
  submitted_at: null,
  ...fields,
})

describe('JobsPanel', () => {
  it('lists jobs newest first with a handed-over command as its command line', () => {
    const wrapper = mount(JobsPanel, {
      props: {
        jobs: [
          job(),
          job({ job_id: 'cmd-1', kind: 'command', status: 'failed', progress: null, argv: ['pipeline', '--mode', 'daily'], exit_code: 2, error: 'exit code 2' }),
        ],
      },
    })

    const rows = wrapper.findAll('[data-testid="job-row"]')
    expect(rows).toHaveLength(2)
    expect(rows[0]!.text()).toContain('tetra pipeline --mode daily')
    expect(rows[0]!.text()).toContain('exit code 2')
    expect(rows[1]!.text()).toContain('sma_crossover-1')
    expect(wrapper.get('[data-testid="jobs-active"]').text()).toBe('none running')
  })

  it('offers Cancel for queued jobs and running research jobs, not for a running command', async () => {
    const wrapper = mount(JobsPanel, {
      props: {
        jobs: [
          job({ job_id: 'sweep-1', kind: 'sweep', status: 'running', progress: 0.25 }),
          job({ job_id: 'cmd-run', kind: 'command', status: 'running', progress: null, argv: ['pipeline'] }),
          job({ job_id: 'cmd-wait', kind: 'command', status: 'queued', progress: null, argv: ['cycle', 'run'] }),
        ],
      },
    })

    const buttons = wrapper.findAll('[data-testid="job-cancel"]')
    expect(buttons).toHaveLength(2)
    await buttons[0]!.trigger('click')
    await buttons[1]!.trigger('click')

    expect(wrapper.emitted('cancel')).toEqual([['cmd-wait'], ['sweep-1']])
    expect(wrapper.get('[data-testid="jobs-active"]').text()).toBe('3 queued or running')
    expect(wrapper.text()).toContain('25%')
  })

  it('says what shows here when the queue is empty', () => {
    const wrapper = mount(JobsPanel, { props: { jobs: [] } })

    expect(wrapper.get('[data-testid="jobs-empty"]').text()).toContain('tetra pipeline')
    expect(cancellable(job({ status: 'done' }))).toBe(false)
  })
})
